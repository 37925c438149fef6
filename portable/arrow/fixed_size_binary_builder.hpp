// FixedSizeBinaryBuilder: builds a fixed_size_binary(n) array (e.g. uuid as
// 16 bytes) or a decimal128 array (16-byte little-endian two's complement).
// A value of the wrong width makes finish() fail. See ArrayBuilder for
// ownership and threading.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "portable/arrow/array_builder.hpp"
#include "portable/arrow/buffer_builder.hpp"

namespace rapidbyte::arrow {

class FixedSizeBinaryBuilder : public ArrayBuilder {
 public:
  // REQUIRES: type is fixed_size_binary or decimal128.
  explicit FixedSizeBinaryBuilder(DataType type)
      : ArrayBuilder(std::move(type)), width_(this->type().byte_width()) {}

  int32_t byte_width() const { return width_; }

  // REQUIRES (else finish() fails): value.size() == byte_width().
  void append(std::span<const uint8_t> value) {
    if (static_cast<int64_t>(value.size()) != width_) {
      bad_width_ = static_cast<int64_t>(value.size());
      values_.append_zeros(width_);
    } else {
      values_.append(value.data(), width_);
    }
    append_valid();
  }
  void append(std::string_view value) {
    append(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(value.data()), value.size()));
  }

  void append_null() override {
    values_.append_zeros(width_);
    append_invalid();
  }

  void reserve(int64_t additional) override {
    values_.reserve(additional * width_);
    reserve_validity(additional);
  }

  Result<Array> finish() override {
    const int64_t bad = bad_width_;
    bad_width_ = -1;
    ArrayData data = finish_common();
    data.values = values_.finish();
    if (bad >= 0) {
      return make_error(type().to_string() + " builder got a value of " + std::to_string(bad) +
                        " bytes");
    }
    return Array(std::move(data));
  }

 private:
  int32_t width_;
  int64_t bad_width_ = -1;
  BufferBuilder values_;
};

}  // namespace rapidbyte::arrow
