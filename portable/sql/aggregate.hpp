// Aggregation over one batch: grouping rows by key (hashing the keys'
// bytes) and the aggregate functions count, sum, avg, min, max, each with
// an optional DISTINCT, computed per group over whole vectors.
//
// Result types follow PostgreSQL: count is bigint; sum of smallint/integer
// is bigint, of bigint or numeric numeric, of double precision double
// precision; avg of integers or numeric is numeric (rounded like numeric
// division), of double precision double precision; min/max keep the type.
// Aggregates over no rows are NULL (count: 0).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "portable/sql/vector.hpp"

namespace rapidbyte::sql {

enum class AggregateKind : uint8_t { kCountStar, kCount, kSum, kAvg, kMin, kMax };

struct AggregateSpec {
  AggregateKind kind = AggregateKind::kCountStar;
  bool distinct = false;
  SqlType input;
  SqlType result;
};

// nullopt when `name` over `input` does not exist.
std::optional<AggregateSpec> resolve_aggregate(std::string_view name, const SqlType& input,
                                               bool star, bool distinct);

// Group ids (0..groups-1, in order of first appearance) of the rows of the
// key vectors (all of `rows` rows). With no keys, every row is group 0 and
// there is exactly one group.
struct Grouping {
  std::vector<int64_t> group_of_row;
  std::vector<int64_t> first_row;  // per group
  int64_t groups = 0;
};
Grouping group_rows(const std::vector<Vector>& keys, int64_t rows);

// The aggregate per group. `arg` is null for count(*).
Result<Vector> compute_aggregate(const AggregateSpec& spec, const Vector* arg,
                                 const Grouping& grouping);

// Appends a byte encoding of slot i of `v` (NULL distinct from every value)
// to `key`: equal values, equal bytes.
void append_key(const Vector& v, int64_t i, std::string& key);

}  // namespace rapidbyte::sql
