// Array: an immutable, type-erased Arrow array — a zero-copy view over
// ArrayData with null checks and slicing.
//
// Values are read through the typed views (PrimitiveArray<T>, BooleanArray,
// BinaryArray, FixedSizeBinaryArray), which are built from an Array.
// Arrays are cheap to copy: an Array shares one immutable ArrayData (one
// reference count), so codecs may build a typed view per value.
// Thread-safety: immutable, safe to read from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>

#include "portable/arrow/array_data.hpp"
#include "portable/arrow/bit_util.hpp"
#include "portable/arrow/status.hpp"

namespace rapidbyte::arrow {

class Array {
 public:
  // A zero-length array of the null type.
  Array() : data_(empty_data()) {}
  // REQUIRES: `data` is consistent (see validate()); builders and the IPC
  // reader only produce consistent data.
  explicit Array(ArrayData data) : data_(std::make_shared<const ArrayData>(std::move(data))) {}

  // `length` slots of the null type.
  static Array make_null(int64_t length);

  const ArrayData& data() const { return *data_; }
  const DataType& type() const { return data_->type; }
  int64_t length() const { return data_->length; }
  int64_t offset() const { return data_->offset; }
  int64_t null_count() const { return data_->null_count; }

  // REQUIRES: 0 <= i < length().
  bool is_null(int64_t i) const {
    if (data_->type.id() == TypeId::kNull) return true;
    return data_->null_count != 0 && !bit_util::get_bit(data_->validity.data(), data_->offset + i);
  }
  bool is_valid(int64_t i) const { return !is_null(i); }

  // The slots [offset, offset + length) of this array, sharing its buffers.
  // The null count of the slice is computed from the validity bitmap.
  // REQUIRES: 0 <= offset, 0 <= length, offset + length <= this->length().
  Array slice(int64_t offset, int64_t length) const;

  // Checks every invariant a reader of untrusted data relies on: buffer sizes
  // against length + offset, null_count against the validity bitmap,
  // monotonic offsets inside the data buffer, and UTF-8 for utf8 arrays.
  // Cost is linear in the number of offsets and in the utf8 bytes.
  Result<void> validate() const;

 private:
  // The data of every default-constructed Array (immutable, shared).
  static const std::shared_ptr<const ArrayData>& empty_data();

  std::shared_ptr<const ArrayData> data_;
};

}  // namespace rapidbyte::arrow
