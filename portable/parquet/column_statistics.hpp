// The statistics of a column chunk: its null count and the minimum and
// maximum of its values in the column's sort order, PLAIN-encoded as the
// footer stores them (byte arrays without their length). Readers (DuckDB,
// Spark, Trino, pyarrow's filters) skip row groups by them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "portable/parquet/metadata.hpp"

namespace rapidbyte::parquet {

// How the values of a column compare, from its physical and logical type.
enum class SortOrder : uint8_t {
  kSigned,           // INT32, INT64 (and dates, times, timestamps)
  kUnsigned,         // INT32, INT64 annotated as unsigned
  kFloat,            // FLOAT
  kDouble,           // DOUBLE
  kBytes,            // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY: unsigned lexicographic
  kSignedBigEndian,  // decimals in FIXED_LEN_BYTE_ARRAY: two's complement
  kBoolean,          // false < true
};

SortOrder sort_order_of(const SchemaElement& element);

class ColumnStatistics {
 public:
  explicit ColumnStatistics(SortOrder order) : order_(order) {}

  // One value, PLAIN-encoded (a byte array without its length prefix).
  void observe(std::span<const uint8_t> value);
  void observe_null() { ++nulls_; }

  // The statistics so far (min and max only when some value was observed,
  // and not for byte arrays longer than kMaxBoundBytes, which would bloat
  // the footer); then starts afresh for the next chunk.
  Statistics take();

  static constexpr size_t kMaxBoundBytes = 256;

 private:
  bool less(std::span<const uint8_t> a, std::span<const uint8_t> b) const;

  SortOrder order_;
  int64_t nulls_ = 0;
  bool has_bounds_ = false;
  bool too_long_ = false;
  std::string min_;
  std::string max_;
};

}  // namespace rapidbyte::parquet
