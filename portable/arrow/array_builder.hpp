// ArrayBuilder: the common part of every builder — the type being built,
// the slot count, and the validity bitmap.
//
// The validity bitmap is materialized lazily, on the first null, so columns
// without nulls pay nothing for it. Typed builders (PrimitiveBuilder<T>,
// BooleanBuilder, BinaryBuilder, FixedSizeBinaryBuilder, ListBuilder) add
// `append`; code that only knows a DataType gets a builder from
// make_builder() and appends through the typed class it knows the type maps
// to.
//
// finish() moves the built memory into an Array (no copy) and resets the
// builder to empty, ready to build the next array of the same type.
// Thread-compatible: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>

#include "portable/arrow/array.hpp"
#include "portable/arrow/bitmap_builder.hpp"
#include "portable/arrow/status.hpp"
#include "portable/arrow/type.hpp"

namespace rapidbyte::arrow {

class ArrayBuilder {
 public:
  explicit ArrayBuilder(DataType type) : type_(std::move(type)) {}
  virtual ~ArrayBuilder() = default;
  ArrayBuilder(const ArrayBuilder&) = delete;
  ArrayBuilder& operator=(const ArrayBuilder&) = delete;

  const DataType& type() const { return type_; }
  int64_t length() const { return length_; }
  int64_t null_count() const { return null_count_; }

  // Appends a null slot (with a zeroed value).
  virtual void append_null() = 0;
  void append_nulls(int64_t n) {
    for (int64_t i = 0; i < n; ++i) append_null();
  }

  // Ensures `additional` more slots can be appended without reallocating.
  virtual void reserve(int64_t additional) = 0;

  // Returns the built array and resets the builder. Fails when an append
  // was invalid (e.g. more than 2 GiB of utf8 data, a fixed-size value of the
  // wrong width); the builder is reset either way.
  virtual Result<Array> finish() = 0;

 protected:
  void append_valid() {
    if (has_validity_) validity_.append(true);
    ++length_;
  }
  void append_valid_n(int64_t n) {
    if (has_validity_) validity_.append_n(n, true);
    length_ += n;
  }
  void append_invalid() {
    if (!has_validity_) {
      validity_.append_n(length_, true);
      has_validity_ = true;
    }
    validity_.append(false);
    ++length_;
    ++null_count_;
  }
  void reserve_validity(int64_t additional) {
    if (has_validity_) validity_.reserve(additional);
  }

  // Starts an ArrayData with type, length, null count and validity filled
  // in, and resets the common state.
  ArrayData finish_common() {
    ArrayData data;
    data.type = type_;
    data.length = length_;
    data.null_count = null_count_;
    if (has_validity_) {
      data.validity = validity_.finish();
    }
    has_validity_ = false;
    length_ = 0;
    null_count_ = 0;
    return data;
  }

 private:
  DataType type_;
  int64_t length_ = 0;
  int64_t null_count_ = 0;
  bool has_validity_ = false;
  BitmapBuilder validity_;
};

// A builder for `type`: PrimitiveBuilder<T> for fixed-width numeric, date,
// timestamp, time64, duration (int64_t) and interval (MonthDayNano) types,
// BooleanBuilder, BinaryBuilder for utf8/binary, LargeBinaryBuilder for
// large_utf8/large_binary, FixedSizeBinaryBuilder for fixed_size_binary and
// decimal128, ListBuilder for lists, and a null-only builder for the null
// type.
std::unique_ptr<ArrayBuilder> make_builder(const DataType& type);

}  // namespace rapidbyte::arrow
