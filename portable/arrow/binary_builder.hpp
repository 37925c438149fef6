// BinaryBuilder: builds a utf8 or binary array — int32 offsets plus one
// contiguous data buffer. StringBuilder is the utf8 flavour.
//
// Values are copied into the builder's data buffer; the caller's memory is
// not retained. Appends do not check UTF-8 (the source is expected to
// guarantee it; Array::validate() checks when in doubt). More than 2 GiB of
// data in one array cannot be expressed with int32 offsets: finish() then
// fails. See ArrayBuilder for ownership and threading.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <string_view>

#include "portable/arrow/array_builder.hpp"
#include "portable/arrow/buffer_builder.hpp"

namespace rapidbyte::arrow {

class BinaryBuilder : public ArrayBuilder {
 public:
  // REQUIRES: type is utf8 or binary.
  explicit BinaryBuilder(DataType type = binary()) : ArrayBuilder(std::move(type)) {
    offsets_.append_value<int32_t>(0);
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
    offsets_.reserve(additional * 4);
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
    offsets_.append_value<int32_t>(0);
    if (overflow) {
      return make_error(type().to_string() + " array holds more than 2 GiB of data");
    }
    return Array(std::move(data));
  }

 private:
  void push_offset() {
    const int64_t end = data_.size();
    if (end > std::numeric_limits<int32_t>::max()) overflow_ = true;
    offsets_.append_value(static_cast<int32_t>(end));
  }

  BufferBuilder offsets_;
  BufferBuilder data_;
  bool overflow_ = false;
};

class StringBuilder : public BinaryBuilder {
 public:
  StringBuilder() : BinaryBuilder(utf8()) {}
};

}  // namespace rapidbyte::arrow
