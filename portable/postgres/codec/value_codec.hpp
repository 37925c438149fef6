// ValueCodec: converts one PostgreSQL type between its binary wire format
// (binary COPY, binary results and parameters) and one Arrow column type,
// per the type mapping of DESIGN.md §2.
//
// A codec is stateless and immutable once made (make_codec()), so one codec
// serves every row of a column. decode() appends one non-null value straight
// to the column's builder (the builder make_builder() returns for
// field().type); encode() appends the wire bytes of one non-null slot of an
// Arrow array (without the length word). Neither keeps references to the
// memory it is given. decode_column(), measure_column() and write_column()
// do the same a column at a time, for binary COPY: one virtual call per
// column and block of rows instead of one per value. Their defaults call
// decode() and encode() per value; the codecs of the common types override
// them with plain loops. Values the target cannot hold (NaN in a decimal128
// column, a nanosecond interval remainder) are data errors, never silently
// altered. Thread-safety: immutable, safe to share.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "portable/arrow/array.hpp"
#include "portable/arrow/array_builder.hpp"
#include "portable/arrow/field.hpp"
#include "portable/postgres/result.hpp"

namespace rapidbyte::postgres {

// One value of a column as it lies in a buffer of binary COPY rows:
// `length` bytes at `data`, or a null when `length` is -1.
struct FieldRef {
  const uint8_t* data = nullptr;
  int32_t length = -1;
};

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

  // Appends every field in order, nulls included, to `builder`.
  // REQUIRES: as decode(); every field's bytes are readable.
  virtual Result<void> decode_column(std::span<const FieldRef> fields,
                                     arrow::ArrayBuilder& builder) const;

  // Binary COPY output is row-major, so a column is encoded in two passes
  // over the rows [begin, end) of `array`. measure_column() sets sizes[i] to
  // the byte length of row begin + i's value (-1 for a null) and fails on a
  // value it cannot encode; write_column() then writes each row's length
  // word and value at out + cursors[i] and advances cursors[i] past them.
  // `scratch` is the column's memory between the two calls (the defaults
  // encode every value into it, then copy).
  // REQUIRES: sizes and cursors have end - begin entries; write_column gets
  // what measure_column of the same rows produced, and room for it at out.
  virtual Result<void> measure_column(const arrow::Array& array, int64_t begin, int64_t end,
                                      std::span<int32_t> sizes,
                                      std::vector<uint8_t>& scratch) const;
  virtual void write_column(const arrow::Array& array, int64_t begin, int64_t end,
                            std::span<const int32_t> sizes, const std::vector<uint8_t>& scratch,
                            uint8_t* out, std::span<size_t> cursors) const;

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
  // When set, money is decoded as decimal text with this many fraction
  // digits (the server's lc_monetary: `scale('0'::money::numeric)`); unset,
  // money has no codec (its text form depends on the locale).
  std::optional<int32_t> money_scale;
};

// The codec for a column, or a data error naming the unsupported type.
// numeric(p, s) with p <= 38 maps to decimal128(p, s), any other numeric to
// utf8 text; arrays of known types to list<element>.
Result<std::unique_ptr<ValueCodec>> make_codec(const PgColumnType& column,
                                               const CodecOptions& options = {});

}  // namespace rapidbyte::postgres
