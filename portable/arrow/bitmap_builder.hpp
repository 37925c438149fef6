// BitmapBuilder: appends bits (LSB first) into a growable buffer; used for
// validity bitmaps and boolean values. Unused bits of the last byte are zero.
// Thread-compatible; move-only.
#pragma once

#include <cstdint>

#include "portable/arrow/bit_util.hpp"
#include "portable/arrow/buffer_builder.hpp"

namespace rapidbyte::arrow {

class BitmapBuilder {
 public:
  int64_t length() const { return length_; }

  // Ensures `additional` more bits can be appended without reallocating.
  void reserve(int64_t additional) {
    const int64_t need = bit_util::bytes_for_bits(length_ + additional) - bytes_.size();
    if (need > 0) bytes_.reserve(need);
  }

  void append(bool bit) {
    if ((length_ & 7) == 0) bytes_.append_value<uint8_t>(0);
    if (bit) bit_util::set_bit(bytes_.mutable_data(), length_);
    ++length_;
  }

  // Appends `n` copies of `bit`.
  void append_n(int64_t n, bool bit) {
    const int64_t new_length = length_ + n;
    bytes_.resize(bit_util::bytes_for_bits(new_length));
    if (bit) {
      uint8_t* bits = bytes_.mutable_data();
      int64_t i = length_;
      for (; i < new_length && (i & 7) != 0; ++i) bit_util::set_bit(bits, i);
      const int64_t full = (new_length - i) / 8;
      if (full > 0) std::memset(bits + (i >> 3), 0xFF, static_cast<size_t>(full));
      for (i += full * 8; i < new_length; ++i) bit_util::set_bit(bits, i);
    }
    length_ = new_length;
  }

  // Transfers the bits to a Buffer; the builder is empty afterwards.
  Buffer finish() {
    length_ = 0;
    return bytes_.finish();
  }

  void clear() {
    length_ = 0;
    bytes_.clear();
  }

 private:
  BufferBuilder bytes_;
  int64_t length_ = 0;
};

}  // namespace rapidbyte::arrow
