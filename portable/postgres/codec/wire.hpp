// Big-endian load/store helpers for codec implementations, and the common
// checks on a value's byte length. Internal to portable/postgres/codec.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "portable/arrow/array.hpp"
#include "portable/postgres/codec/value_codec.hpp"
#include "portable/postgres/result.hpp"

namespace rapidbyte::postgres::wire {

// The unsigned integer of T's size, for byte swapping.
template <class T>
using UnsignedOfSizeOf =
    std::conditional_t<sizeof(T) == 1, uint8_t,
                       std::conditional_t<sizeof(T) == 2, uint16_t,
                                          std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>>;

template <class T>
T load_be(const uint8_t* p) {
  using U = UnsignedOfSizeOf<T>;
  U v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v = static_cast<U>((v << 8) | p[i]);
  T out;
  std::memcpy(&out, &v, sizeof(T));
  return out;
}

template <class T>
void store_be(uint8_t* p, T value) {
  UnsignedOfSizeOf<T> v;
  std::memcpy(&v, &value, sizeof(T));
  for (size_t i = 0; i < sizeof(T); ++i) {
    p[i] = static_cast<uint8_t>(v >> (8 * (sizeof(T) - 1 - i)));
  }
}

template <class T>
void append_be(std::vector<uint8_t>& out, T value) {
  // One insert, not sizeof(T) push_backs: this runs for every value of a
  // COPY stream, and each push_back checks the capacity again.
  uint8_t bytes[sizeof(T)];
  store_be(bytes, value);
  out.insert(out.end(), bytes, bytes + sizeof(T));
}

// The loop of ValueCodec::write_column(): for row begin + i, writes the
// length word sizes[i] at out + cursors[i], then (unless null) calls
// write_value(row, where, size) to write the value's bytes after it, and
// advances cursors[i].
template <class WriteValue>
void write_fields(int64_t begin, int64_t end, std::span<const int32_t> sizes, uint8_t* out,
                  std::span<size_t> cursors, WriteValue&& write_value) {
  for (int64_t row = begin; row < end; ++row) {
    const size_t i = static_cast<size_t>(row - begin);
    uint8_t* at = out + cursors[i];
    const int32_t size = sizes[i];
    store_be(at, size);
    if (size < 0) {
      cursors[i] += 4;
      continue;
    }
    write_value(row, at + 4, size);
    cursors[i] += 4 + static_cast<size_t>(size);
  }
}

// ValueCodec::measure_column() for a type of `width` bytes on the wire.
inline void measure_fixed(const arrow::Array& array, int64_t begin, int64_t end, int32_t width,
                          std::span<int32_t> sizes) {
  const bool nullable = array.null_count() != 0;
  for (int64_t row = begin; row < end; ++row) {
    sizes[static_cast<size_t>(row - begin)] = nullable && array.is_null(row) ? -1 : width;
  }
}

// ValueCodec::decode_column() for codecs whose builder type is `Builder`:
// nulls are appended directly, values through decode_value(bytes, builder),
// all without a virtual call per value.
template <class Builder, class DecodeValue>
Result<void> decode_fields(std::span<const FieldRef> fields, arrow::ArrayBuilder& builder,
                           DecodeValue&& decode_value) {
  auto& typed = static_cast<Builder&>(builder);
  typed.Builder::reserve(static_cast<int64_t>(fields.size()));
  for (const FieldRef& field : fields) {
    if (field.length < 0) {
      typed.Builder::append_null();
      continue;
    }
    RB_TRY(decode_value(std::span<const uint8_t>(field.data, static_cast<size_t>(field.length)),
                        typed));
  }
  return {};
}

inline std::string_view as_text(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

inline void append_text(std::vector<uint8_t>& out, std::string_view text) {
  // Inserting uint8_t pointers, not char iterators, lets the library copy
  // with memmove instead of element by element.
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  out.insert(out.end(), bytes, bytes + text.size());
}

// A data error unless `bytes` has exactly `size` bytes.
inline Result<void> expect_size(std::span<const uint8_t> bytes, size_t size, const char* type) {
  if (bytes.size() != size) {
    return fail(data_error(std::string("binary ") + type + " value of " +
                           std::to_string(bytes.size()) + " bytes, expected " +
                           std::to_string(size)));
  }
  return {};
}

// The bytes of a utf8, large_utf8, binary or large_binary slot.
Result<std::string_view> string_slot(const arrow::Array& array, int64_t row);

// A data error for an Arrow type a codec cannot encode from.
PgError cannot_encode(const arrow::Array& array, const char* pg_type);

}  // namespace rapidbyte::postgres::wire
