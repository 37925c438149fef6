// ValueCodec: converts one PostgreSQL type between its binary wire format
// (binary COPY, binary results and parameters) and one Arrow column type,
// per the type mapping of DESIGN.md §2.
//
// A codec is stateless and immutable once made (make_codec()), so one codec
// serves every row of a column. decode() appends one non-null value straight
// to the column's builder (the builder make_builder() returns for
// field().type); encode() appends the wire bytes of one non-null slot of an
// Arrow array (without the length word). Neither keeps references to the
// memory it is given. Values the target cannot hold (NaN in a decimal128
// column, a nanosecond interval remainder) are data errors, never silently
// altered. Thread-safety: immutable, safe to share.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "portable/arrow/array.hpp"
#include "portable/arrow/array_builder.hpp"
#include "portable/arrow/field.hpp"
#include "portable/postgres/result.hpp"

namespace rapidbyte::postgres {

class ValueCodec {
 public:
  virtual ~ValueCodec() = default;

  // The PostgreSQL type this codec reads and writes.
  uint32_t type_oid() const { return type_oid_; }

  // The Arrow field for a column of this type (type plus extension
  // metadata, e.g. arrow.uuid).
  virtual arrow::Field field(std::string name) const = 0;

  // Appends the value `bytes` (binary format) to `builder`.
  // REQUIRES: builder was made for field().type.
  virtual Result<void> decode(std::span<const uint8_t> bytes,
                              arrow::ArrayBuilder& builder) const = 0;

  // Appends the binary format of `array[row]` to `out`.
  // REQUIRES: array.is_valid(row); array's type is one this codec accepts
  // (field().type, or a compatible one, see make_codec()).
  virtual Result<void> encode(const arrow::Array& array, int64_t row,
                              std::vector<uint8_t>& out) const = 0;

 protected:
  explicit ValueCodec(uint32_t type_oid) : type_oid_(type_oid) {}

 private:
  uint32_t type_oid_;
};

// What a codec needs to know about a column beyond its type OID.
struct PgColumnType {
  uint32_t type_oid = 0;
  int32_t type_modifier = -1;  // atttypmod; numeric precision/scale live here
};

// Types that have per-database OIDs.
struct CodecOptions {
  std::vector<uint32_t> enum_oids;  // enum types: decoded as utf8 labels
  // (array type, element type) pairs for arrays of such types.
  std::vector<std::pair<uint32_t, uint32_t>> array_types;
};

// The codec for a column, or a data error naming the unsupported type.
// numeric(p, s) with p <= 38 maps to decimal128(p, s), any other numeric to
// utf8 text; arrays of known types to list<element>.
Result<std::unique_ptr<ValueCodec>> make_codec(const PgColumnType& column,
                                               const CodecOptions& options = {});

}  // namespace rapidbyte::postgres
