#include "guest/connectors/transform-common/arrow_cells.hpp"

#include <cstring>

#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/bit_util.hpp"
#include "portable/arrow/fixed_size_binary_array.hpp"
#include "portable/arrow/pretty_print.hpp"
#include "portable/arrow/value_formatter.hpp"

namespace rapidbyte::connectors::cells {

namespace {

using arrow::TypeId;

// The address of fixed-width slot `row`.
const uint8_t* fixed_slot(const arrow::Array& array, int64_t row) {
  return array.data().values.data() + (array.offset() + row) * array.type().byte_width();
}

template <class T>
T load(const arrow::Array& array, int64_t row) {
  T v;
  std::memcpy(&v, fixed_slot(array, row), sizeof(T));
  return v;
}

}  // namespace

bool is_text(const arrow::DataType& type) {
  return type.id() == TypeId::kUtf8 || type.id() == TypeId::kLargeUtf8;
}

bool is_binary(const arrow::DataType& type) {
  return type.id() == TypeId::kBinary || type.id() == TypeId::kLargeBinary ||
         type.id() == TypeId::kFixedSizeBinary;
}

bool is_integer(const arrow::DataType& type) {
  return arrow::is_integer(type.id());
}

bool is_numeric(const arrow::DataType& type) {
  return arrow::is_numeric(type.id());
}

namespace {

std::variant<arrow::BinaryArray, arrow::LargeBinaryArray, arrow::FixedSizeBinaryArray> bytes_view(
    const arrow::Array& array) {
  switch (array.type().layout()) {
    case arrow::Layout::kVarBinary:
      return arrow::BinaryArray(array);
    case arrow::Layout::kLargeVarBinary:
      return arrow::LargeBinaryArray(array);
    default:
      return arrow::FixedSizeBinaryArray(array);
  }
}

}  // namespace

BytesColumn::BytesColumn(const arrow::Array& array) : view_(bytes_view(array)) {}

std::string_view bytes(const arrow::Array& array, int64_t row) {
  return BytesColumn(array).value(row);
}

__int128 integer(const arrow::Array& array, int64_t row) {
  switch (array.type().id()) {
    case TypeId::kInt8:
      return load<int8_t>(array, row);
    case TypeId::kInt16:
      return load<int16_t>(array, row);
    case TypeId::kInt32:
    case TypeId::kDate32:
      return load<int32_t>(array, row);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return load<int64_t>(array, row);
    case TypeId::kUInt8:
      return load<uint8_t>(array, row);
    case TypeId::kUInt16:
      return load<uint16_t>(array, row);
    case TypeId::kUInt32:
      return load<uint32_t>(array, row);
    default:
      return load<uint64_t>(array, row);
  }
}

double number(const arrow::Array& array, int64_t row) {
  switch (array.type().id()) {
    case TypeId::kFloat32:
      return load<float>(array, row);
    case TypeId::kFloat64:
      return load<double>(array, row);
    case TypeId::kDecimal128: {
      const auto unscaled = load<__int128>(array, row);  // little-endian two's complement
      double v = static_cast<double>(unscaled);
      for (int32_t s = 0; s < array.type().scale(); ++s) v /= 10;
      return v;
    }
    default:
      return static_cast<double>(integer(array, row));
  }
}

void append_key(const arrow::Field& field, const arrow::Array& array, int64_t row,
                std::string& out) {
  switch (array.type().layout()) {
    case arrow::Layout::kVarBinary:
    case arrow::Layout::kLargeVarBinary:
      out += bytes(array, row);
      return;
    case arrow::Layout::kFixedWidth:
      out.append(reinterpret_cast<const char*>(fixed_slot(array, row)),
                 static_cast<size_t>(array.type().byte_width()));
      return;
    case arrow::Layout::kBitmap:
      out += arrow::bit_util::get_bit(array.data().values.data(), array.offset() + row) ? '1' : '0';
      return;
    default:
      append_text(field, array, row, out);
      return;
  }
}

void append_text(const arrow::Field& field, const arrow::Array& array, int64_t row,
                 std::string& out) {
  if (is_text(array.type())) {
    out += bytes(array, row);
    return;
  }
  arrow::ValueFormatter(field, array).append_text(row, out);
}

}  // namespace rapidbyte::connectors::cells
