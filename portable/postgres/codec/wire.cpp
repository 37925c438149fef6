#include "portable/postgres/codec/wire.hpp"

#include "portable/arrow/binary_array.hpp"

namespace rapidbyte::postgres::wire {

Result<std::string_view> string_slot(const arrow::Array& array, int64_t row) {
  switch (array.type().id()) {
    case arrow::TypeId::kUtf8:
    case arrow::TypeId::kBinary:
      return arrow::BinaryArray(array).value(row);
    case arrow::TypeId::kLargeUtf8:
    case arrow::TypeId::kLargeBinary:
      return arrow::LargeBinaryArray(array).value(row);
    default:
      return fail(cannot_encode(array, "a text type"));
  }
}

PgError cannot_encode(const arrow::Array& array, const char* pg_type) {
  return data_error("cannot encode Arrow " + array.type().to_string() + " as PostgreSQL " +
                    pg_type);
}

}  // namespace rapidbyte::postgres::wire
