// Thrift's compact protocol, the encoding of every Parquet metadata structure
// (the file footer, page headers): fields tagged with a delta-coded id and a
// type nibble, integers as zigzag varints, binaries and lists length-prefixed,
// structs closed by a stop byte.
//
// CompactWriter appends to a byte vector; its caller writes each struct's
// fields in increasing id order. CompactReader reads untrusted bytes: every
// length is checked against what is left, nesting is bounded, and a field
// the caller does not know is skipped whatever its type.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "portable/arrow/status.hpp"
#include "portable/parquet/byte_io.hpp"

namespace rapidbyte::parquet::thrift {

using arrow::Result;

// The compact protocol's type codes.
enum class Type : uint8_t {
  kStop = 0,
  kTrue = 1,  // a bool field's value is in its type
  kFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

class CompactWriter {
 public:
  explicit CompactWriter(std::vector<uint8_t>& out) : out_(out) {}

  void field_bool(int16_t id, bool value) { field_header(id, value ? Type::kTrue : Type::kFalse); }
  void field_byte(int16_t id, int8_t value) {
    field_header(id, Type::kByte);
    out_.push_back(static_cast<uint8_t>(value));
  }
  void field_i32(int16_t id, int32_t value);
  void field_i64(int16_t id, int64_t value);
  void field_double(int16_t id, double value);
  void field_binary(int16_t id, std::string_view value);
  // A struct field: its fields follow, then end_struct().
  void begin_struct(int16_t id);
  void end_struct();
  // A list field of `size` elements of `element`, written next with the
  // element functions below (a struct element: begin_struct_element, its
  // fields, end_struct).
  void begin_list(int16_t id, Type element, uint32_t size);
  void i32_element(int32_t value) { varint(zigzag_encode(value)); }
  void i64_element(int64_t value) { varint(zigzag_encode(value)); }
  void binary_element(std::string_view value);
  void begin_struct_element();
  // Closes the outermost struct (the message itself).
  void stop() { out_.push_back(0); }

 private:
  void field_header(int16_t id, Type type);
  void varint(uint64_t value);

  std::vector<uint8_t>& out_;
  int16_t last_id_ = 0;
  std::vector<int16_t> outer_ids_;
};

struct FieldHeader {
  int16_t id = 0;
  Type type = Type::kStop;
  bool is_stop() const { return type == Type::kStop; }
};

struct ListHeader {
  Type element = Type::kStop;
  uint32_t size = 0;
};

class CompactReader {
 public:
  explicit CompactReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}

  // The next field of the current struct; is_stop() at its end (the struct
  // is then closed: the caller returns to the enclosing one).
  Result<FieldHeader> next_field();
  // The value of a field (or list element) of that type.
  Result<int8_t> read_byte();
  Result<int32_t> read_i32();
  Result<int64_t> read_i64();
  Result<double> read_double();
  Result<std::string_view> read_binary();
  // A bool element of a list (a bool field's value is its header's type).
  Result<bool> read_bool_element();
  // Enters a struct field or element: its fields follow, until a stop.
  Result<void> begin_struct();
  Result<ListHeader> read_list_header();
  // Skips a value of `type`, however deep.
  Result<void> skip(Type type);

  size_t position() const { return pos_; }

 private:
  // Deeper nesting than any Parquet structure has: refused, so a hostile
  // footer cannot exhaust the stack.
  static constexpr int kMaxDepth = 32;

  Result<uint64_t> varint();
  Result<uint8_t> byte();
  Result<void> skip_at(Type type, int depth);
  Result<void> skip_element(Type type, int depth);

  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
  int16_t last_id_ = 0;
  std::vector<int16_t> outer_ids_;
};

}  // namespace rapidbyte::parquet::thrift
