#include "portable/parquet/thrift_compact.hpp"

#include <bit>
#include <cstring>
#include <string>

#include "portable/base/try.hpp"
#include "portable/parquet/byte_io.hpp"

namespace rapidbyte::parquet::thrift {

using arrow::make_error;

// ---- writer -------------------------------------------------------------

void CompactWriter::varint(uint64_t value) {
  append_varint(value, out_);
}

void CompactWriter::field_header(int16_t id, Type type) {
  const int delta = id - last_id_;
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<uint8_t>((delta << 4) | static_cast<uint8_t>(type)));
  } else {
    out_.push_back(static_cast<uint8_t>(type));
    varint(zigzag_encode(id));
  }
  last_id_ = id;
}

void CompactWriter::field_i32(int16_t id, int32_t value) {
  field_header(id, Type::kI32);
  varint(zigzag_encode(value));
}

void CompactWriter::field_i64(int16_t id, int64_t value) {
  field_header(id, Type::kI64);
  varint(zigzag_encode(value));
}

void CompactWriter::field_double(int16_t id, double value) {
  field_header(id, Type::kDouble);
  const auto bits = std::bit_cast<uint64_t>(value);
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
}

void CompactWriter::field_binary(int16_t id, std::string_view value) {
  field_header(id, Type::kBinary);
  binary_element(value);
}

void CompactWriter::binary_element(std::string_view value) {
  varint(value.size());
  out_.insert(out_.end(), value.begin(), value.end());
}

void CompactWriter::begin_struct(int16_t id) {
  field_header(id, Type::kStruct);
  begin_struct_element();
}

void CompactWriter::begin_struct_element() {
  outer_ids_.push_back(last_id_);
  last_id_ = 0;
}

void CompactWriter::end_struct() {
  out_.push_back(0);
  last_id_ = outer_ids_.back();
  outer_ids_.pop_back();
}

void CompactWriter::begin_list(int16_t id, Type element, uint32_t size) {
  field_header(id, Type::kList);
  if (size < 15) {
    out_.push_back(static_cast<uint8_t>((size << 4) | static_cast<uint8_t>(element)));
  } else {
    out_.push_back(static_cast<uint8_t>(0xF0 | static_cast<uint8_t>(element)));
    varint(size);
  }
}

// ---- reader -------------------------------------------------------------

Result<uint8_t> CompactReader::byte() {
  if (pos_ >= bytes_.size()) return make_error("Thrift: unexpected end of data");
  return bytes_[pos_++];
}

Result<uint64_t> CompactReader::varint() {
  uint64_t value = 0;
  switch (read_varint(bytes_, pos_, value)) {
    case VarintRead::kOk:
      return value;
    case VarintRead::kTruncated:
      return make_error("Thrift: unexpected end of data");
    case VarintRead::kTooLong:
      break;
  }
  return make_error("Thrift: varint longer than 10 bytes at offset " + std::to_string(pos_));
}

namespace {

// The outcome of reading a value that is not kept.
template <class T>
Result<void> discard(const Result<T>& read) {
  if (!read) return std::unexpected(read.error());
  return {};
}

bool valid_type(uint8_t t) {
  return t <= static_cast<uint8_t>(Type::kStruct);
}

}  // namespace

Result<FieldHeader> CompactReader::next_field() {
  const size_t at = pos_;
  RB_ASSIGN_OR_RETURN(const uint8_t header, byte());
  const uint8_t type = header & 0x0F;
  if (header == 0) {
    if (!outer_ids_.empty()) {
      last_id_ = outer_ids_.back();
      outer_ids_.pop_back();
    }
    return FieldHeader{};
  }
  if (!valid_type(type) || type == 0) {
    return make_error("Thrift: unknown field type " + std::to_string(type) + " at offset " +
                      std::to_string(at));
  }
  FieldHeader field;
  field.type = static_cast<Type>(type);
  if (const int delta = header >> 4; delta != 0) {
    field.id = static_cast<int16_t>(last_id_ + delta);
  } else {
    RB_ASSIGN_OR_RETURN(const uint64_t id, varint());
    const int64_t value = zigzag_decode(id);
    if (value < INT16_MIN || value > INT16_MAX) {
      return make_error("Thrift: field id out of range at offset " + std::to_string(at));
    }
    field.id = static_cast<int16_t>(value);
  }
  last_id_ = field.id;
  return field;
}

Result<int8_t> CompactReader::read_byte() {
  RB_ASSIGN_OR_RETURN(const uint8_t b, byte());
  return static_cast<int8_t>(b);
}

Result<int32_t> CompactReader::read_i32() {
  RB_ASSIGN_OR_RETURN(const uint64_t v, varint());
  const int64_t value = zigzag_decode(v);
  if (value < INT32_MIN || value > INT32_MAX) {
    return make_error("Thrift: i32 out of range at offset " + std::to_string(pos_));
  }
  return static_cast<int32_t>(value);
}

Result<int64_t> CompactReader::read_i64() {
  RB_ASSIGN_OR_RETURN(const uint64_t v, varint());
  return zigzag_decode(v);
}

Result<double> CompactReader::read_double() {
  if (bytes_.size() - pos_ < 8) return make_error("Thrift: unexpected end of data in a double");
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(bytes_[pos_ + i]) << (8 * i);
  pos_ += 8;
  return std::bit_cast<double>(bits);
}

Result<std::string_view> CompactReader::read_binary() {
  RB_ASSIGN_OR_RETURN(const uint64_t size, varint());
  if (size > bytes_.size() - pos_) {
    return make_error("Thrift: a binary of " + std::to_string(size) + " bytes at offset " +
                      std::to_string(pos_) + " runs past the end of the data");
  }
  std::string_view value(reinterpret_cast<const char*>(bytes_.data() + pos_), size);
  pos_ += size;
  return value;
}

Result<bool> CompactReader::read_bool_element() {
  RB_ASSIGN_OR_RETURN(const uint8_t b, byte());
  return b == static_cast<uint8_t>(Type::kTrue);
}

Result<void> CompactReader::begin_struct() {
  if (outer_ids_.size() >= kMaxDepth) {
    return make_error("Thrift: structures nested deeper than " + std::to_string(kMaxDepth));
  }
  outer_ids_.push_back(last_id_);
  last_id_ = 0;
  return {};
}

Result<ListHeader> CompactReader::read_list_header() {
  RB_ASSIGN_OR_RETURN(const uint8_t header, byte());
  ListHeader list;
  const uint8_t type = header & 0x0F;
  if (!valid_type(type) || type == 0) {
    return make_error("Thrift: unknown list element type " + std::to_string(type));
  }
  list.element = static_cast<Type>(type);
  list.size = header >> 4;
  if (list.size == 15) {
    RB_ASSIGN_OR_RETURN(const uint64_t size, varint());
    // Every element takes at least one byte.
    if (size > bytes_.size() - pos_) {
      return make_error("Thrift: a list of " + std::to_string(size) + " elements at offset " +
                        std::to_string(pos_) + " runs past the end of the data");
    }
    list.size = static_cast<uint32_t>(size);
  }
  return list;
}

Result<void> CompactReader::skip(Type type) {
  return skip_at(type, 0);
}

// An element of a list, set or map: a bool is one byte there (its value is
// not in a field header).
Result<void> CompactReader::skip_element(Type type, int depth) {
  if (type == Type::kTrue || type == Type::kFalse) return discard(byte());
  return skip_at(type, depth);
}

Result<void> CompactReader::skip_at(Type type, int depth) {
  if (depth > kMaxDepth) {
    return make_error("Thrift: values nested deeper than " + std::to_string(kMaxDepth));
  }
  switch (type) {
    case Type::kTrue:
    case Type::kFalse:
      return {};
    case Type::kByte:
      return discard(byte());
    case Type::kI16:
    case Type::kI32:
    case Type::kI64:
      return discard(varint());
    case Type::kDouble:
      return discard(read_double());
    case Type::kBinary:
      return discard(read_binary());
    case Type::kList:
    case Type::kSet: {
      RB_ASSIGN_OR_RETURN(const ListHeader list, read_list_header());
      for (uint32_t i = 0; i < list.size; ++i) RB_TRY(skip_element(list.element, depth + 1));
      return {};
    }
    case Type::kMap: {
      RB_ASSIGN_OR_RETURN(const uint64_t size, varint());
      if (size == 0) return {};
      if (size > bytes_.size() - pos_) return make_error("Thrift: a map runs past the end");
      RB_ASSIGN_OR_RETURN(const uint8_t types, byte());
      const uint8_t key = types >> 4, value = types & 0x0F;
      if (!valid_type(key) || !valid_type(value) || key == 0 || value == 0) {
        return make_error("Thrift: unknown map element type");
      }
      for (uint64_t i = 0; i < size; ++i) {
        RB_TRY(skip_element(static_cast<Type>(key), depth + 1));
        RB_TRY(skip_element(static_cast<Type>(value), depth + 1));
      }
      return {};
    }
    case Type::kStruct: {
      RB_TRY(begin_struct());
      for (;;) {
        RB_ASSIGN_OR_RETURN(const FieldHeader field, next_field());
        if (field.is_stop()) return {};
        RB_TRY(skip_at(field.type, depth + 1));
      }
    }
    case Type::kStop:
      break;
  }
  return make_error("Thrift: cannot skip a value of type " +
                    std::to_string(static_cast<int>(type)));
}

}  // namespace rapidbyte::parquet::thrift
