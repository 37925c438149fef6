// BinaryBuilder / LargeBinaryBuilder: build a utf8 or binary array (int32
// offsets) or a large_utf8 or large_binary array (int64 offsets) — offsets
// plus one contiguous data buffer. StringBuilder and LargeStringBuilder are
// the utf8 flavours.
//
// Values are copied into the builder's data buffer; the caller's memory is
// not retained. Appends do not check UTF-8 (the source is expected to
// guarantee it; Array::validate() checks when in doubt). More than 2 GiB of
// data in one int32-offset array cannot be expressed: finish() then fails.
// See ArrayBuilder for ownership and threading.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "portable/arrow/array_builder.hpp"
#include "portable/arrow/buffer_builder.hpp"

namespace rapidbyte::arrow {

// Offset is int32_t (utf8, binary) or int64_t (large_utf8, large_binary).
template <class Offset>
class VarBinaryBuilder : public ArrayBuilder {
 public:
  // REQUIRES: type.layout() stores Offset-sized offsets.
  explicit VarBinaryBuilder(DataType type = sizeof(Offset) == 4 ? binary() : large_binary())
      : ArrayBuilder(std::move(type)) {
    offsets_.append_value<Offset>(0);
  }

  void append(std::string_view value) {
    data_.append(value.data(), static_cast<int64_t>(value.size()));
    push_offset();
    append_valid();
  }
  void append(std::span<const uint8_t> value) {
    append(std::string_view(reinterpret_cast<const char*>(value.data()), value.size()));
  }

  void append_null() override {
    push_offset();
    append_invalid();
  }

  // Ensures `additional` more slots can be appended without growing the
  // offsets; `data_bytes` reserves room for their bytes too.
  void reserve(int64_t additional) override {
    offsets_.reserve(additional * static_cast<int64_t>(sizeof(Offset)));
    reserve_validity(additional);
  }
  void reserve_data(int64_t data_bytes) { data_.reserve(data_bytes); }

  // Bytes of value data appended so far.
  int64_t data_length() const { return data_.size(); }

  Result<Array> finish() override {
    const bool overflow = overflow_;
    overflow_ = false;
    ArrayData data = finish_common();
    data.values = offsets_.finish();
    data.data = data_.finish();
    offsets_.append_value<Offset>(0);
    if (overflow) {
      return make_error(type().to_string() + " array holds more than 2 GiB of data");
    }
    return Array(std::move(data));
  }

 private:
  void push_offset() {
    const int64_t end = data_.size();
    if (end > std::numeric_limits<Offset>::max()) overflow_ = true;
    offsets_.append_value(static_cast<Offset>(end));
  }

  BufferBuilder offsets_;
  BufferBuilder data_;
  bool overflow_ = false;
};

using BinaryBuilder = VarBinaryBuilder<int32_t>;
using LargeBinaryBuilder = VarBinaryBuilder<int64_t>;

class StringBuilder : public BinaryBuilder {
 public:
  StringBuilder() : BinaryBuilder(utf8()) {}
};

class LargeStringBuilder : public LargeBinaryBuilder {
 public:
  LargeStringBuilder() : LargeBinaryBuilder(large_utf8()) {}
};

}  // namespace rapidbyte::arrow
