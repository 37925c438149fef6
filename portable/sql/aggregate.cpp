#include "portable/sql/aggregate.hpp"

#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "portable/arrow/value_formatter.hpp"
#include "portable/sql/operators.hpp"
#include "portable/sql/value_text.hpp"

namespace rapidbyte::sql {

void append_key(const Vector& v, int64_t i, std::string& key) {
  if (v.is_null(i)) {
    key += '\0';
    return;
  }
  key += '\1';
  const size_t s = static_cast<size_t>(v.at(i));
  auto raw = [&](const void* p, size_t n) { key.append(static_cast<const char*>(p), n); };
  switch (v.type.id) {
    case TypeId::kFloat64: {
      double d = v.f64[s];
      if (d == 0) d = 0;  // -0 groups with 0
      raw(&d, sizeof d);
      break;
    }
    case TypeId::kNumeric:
      raw(&v.dec[s], sizeof(__int128));
      break;
    case TypeId::kText:
    case TypeId::kUnknown: {
      const uint32_t n = static_cast<uint32_t>(v.str[s].size());
      raw(&n, sizeof n);
      key.append(v.str[s]);
      break;
    }
    case TypeId::kInterval:
      raw(&v.iv[s], sizeof(arrow::MonthDayNano));
      break;
    case TypeId::kTextList:
      for (std::string_view p : v.list[s]) {
        const uint32_t n = static_cast<uint32_t>(p.size());
        raw(&n, sizeof n);
        key.append(p);
      }
      break;
    case TypeId::kOpaque: {
      // Values the engine does not compute on (uuid, binary, ...) are told
      // apart by their text, which is distinct for distinct values.
      std::string text;
      arrow::ValueFormatter(arrow::field("", v.opaque.type()), v.opaque).append_text(s, text);
      const uint32_t n = static_cast<uint32_t>(text.size());
      raw(&n, sizeof n);
      key.append(text);
      break;
    }
    case TypeId::kNull:
      break;
    default:
      raw(&v.i64[s], sizeof(int64_t));
  }
}

Grouping group_rows(const std::vector<Vector>& keys, int64_t rows) {
  Grouping g;
  g.group_of_row.resize(static_cast<size_t>(rows));
  if (keys.empty()) {
    g.groups = 1;
    g.first_row.push_back(0);
    return g;
  }
  std::unordered_map<std::string, int64_t> ids;
  std::string key;
  for (int64_t r = 0; r < rows; ++r) {
    key.clear();
    for (const Vector& k : keys) append_key(k, r, key);
    auto [it, inserted] = ids.try_emplace(key, g.groups);
    if (inserted) {
      ++g.groups;
      g.first_row.push_back(r);
    }
    g.group_of_row[static_cast<size_t>(r)] = it->second;
  }
  return g;
}

std::optional<AggregateSpec> resolve_aggregate(std::string_view name, const SqlType& in0, bool star,
                                               bool distinct) {
  AggregateSpec spec;
  spec.distinct = distinct;
  SqlType input = in0.id == TypeId::kUnknown ? make_type(TypeId::kText) : in0;
  spec.input = input;
  if (name == "count") {
    spec.kind = star ? AggregateKind::kCountStar : AggregateKind::kCount;
    spec.result = make_type(TypeId::kInt64);
    return spec;
  }
  if (star) return std::nullopt;
  if (name == "min" || name == "max") {
    if (input.id == TypeId::kOpaque || input.id == TypeId::kNull) return std::nullopt;
    spec.kind = name == "min" ? AggregateKind::kMin : AggregateKind::kMax;
    spec.result = input;
    return spec;
  }
  if (name == "sum" || name == "avg") {
    const bool sum = name == "sum";
    spec.kind = sum ? AggregateKind::kSum : AggregateKind::kAvg;
    switch (input.id) {
      case TypeId::kInt16:
      case TypeId::kInt32:
        spec.result = sum ? make_type(TypeId::kInt64) : numeric_type(38, 20);
        return spec;
      case TypeId::kInt64:
        spec.result = numeric_type(38, sum ? 0 : 20);
        return spec;
      case TypeId::kNumeric:
        spec.result = numeric_type(38, sum ? input.scale : std::max(20, input.scale));
        return spec;
      case TypeId::kFloat64:
        spec.result = input;
        return spec;
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

Result<Vector> compute_aggregate(const AggregateSpec& spec, const Vector* arg, const Grouping& g) {
  const int64_t rows = static_cast<int64_t>(g.group_of_row.size());
  const size_t groups = static_cast<size_t>(g.groups);
  Vector out = make_vector(spec.result, g.groups);
  if (spec.kind == AggregateKind::kCountStar) {
    for (int64_t r = 0; r < rows; ++r)
      ++out.i64[static_cast<size_t>(g.group_of_row[static_cast<size_t>(r)])];
    return out;
  }
  // Rows that count: not NULL and, with DISTINCT, the first of their value
  // in their group.
  std::vector<uint8_t> use(static_cast<size_t>(rows), 1);
  for (int64_t r = 0; r < rows; ++r) use[static_cast<size_t>(r)] = !arg->is_null(r);
  if (spec.distinct) {
    std::unordered_set<std::string> seen;
    std::string key;
    for (int64_t r = 0; r < rows; ++r) {
      if (!use[static_cast<size_t>(r)]) continue;
      key.assign(reinterpret_cast<const char*>(&g.group_of_row[static_cast<size_t>(r)]),
                 sizeof(int64_t));
      append_key(*arg, r, key);
      use[static_cast<size_t>(r)] = seen.insert(key).second;
    }
  }
  std::vector<int64_t> counts(groups, 0);
  for (int64_t r = 0; r < rows; ++r) {
    if (use[static_cast<size_t>(r)])
      ++counts[static_cast<size_t>(g.group_of_row[static_cast<size_t>(r)])];
  }
  if (spec.kind == AggregateKind::kCount) {
    for (size_t k = 0; k < groups; ++k) out.i64[k] = counts[k];
    return out;
  }
  for (size_t k = 0; k < groups; ++k) {
    if (counts[k] == 0) out.set_null(static_cast<int64_t>(k));
  }
  if (spec.kind == AggregateKind::kMin || spec.kind == AggregateKind::kMax) {
    out.keep = arg->keep;
    std::vector<int64_t> best(groups, -1);
    const bool min = spec.kind == AggregateKind::kMin;
    for (int64_t r = 0; r < rows; ++r) {
      if (!use[static_cast<size_t>(r)]) continue;
      int64_t& b = best[static_cast<size_t>(g.group_of_row[static_cast<size_t>(r)])];
      if (b < 0) {
        b = r;
        continue;
      }
      const int c = compare_slots(*arg, r, *arg, b);
      if (min ? c < 0 : c > 0) b = r;
    }
    for (size_t k = 0; k < groups; ++k) {
      if (best[k] >= 0) copy_slot(*arg, best[k], out, static_cast<int64_t>(k));
    }
    return out;
  }
  const TypeId in = spec.input.id;
  if (in == TypeId::kFloat64) {
    std::vector<double> sums(groups, 0);
    for (int64_t r = 0; r < rows; ++r) {
      if (use[static_cast<size_t>(r)])
        sums[static_cast<size_t>(g.group_of_row[static_cast<size_t>(r)])] +=
            arg->f64[static_cast<size_t>(arg->at(r))];
    }
    for (size_t k = 0; k < groups; ++k) {
      out.f64[k] = spec.kind == AggregateKind::kSum || counts[k] == 0
                       ? sums[k]
                       : sums[k] / static_cast<double>(counts[k]);
    }
    return out;
  }
  // Exact sums in 128 bits (integers, or numeric at the input's scale).
  const int in_scale = in == TypeId::kNumeric ? spec.input.scale : 0;
  std::vector<__int128> sums(groups, 0);
  for (int64_t r = 0; r < rows; ++r) {
    if (!use[static_cast<size_t>(r)]) continue;
    const size_t s = static_cast<size_t>(arg->at(r));
    const __int128 v = in == TypeId::kNumeric ? arg->dec[s] : __int128{arg->i64[s]};
    __int128& acc = sums[static_cast<size_t>(g.group_of_row[static_cast<size_t>(r)])];
    if (__builtin_add_overflow(acc, v, &acc)) return data_error("numeric field overflow");
  }
  for (size_t k = 0; k < groups; ++k) {
    if (counts[k] == 0) continue;
    if (spec.kind == AggregateKind::kSum) {
      if (spec.result.id == TypeId::kInt64) {
        if (sums[k] > INT64_MAX || sums[k] < INT64_MIN) return data_error("bigint out of range");
        out.i64[k] = static_cast<int64_t>(sums[k]);
      } else {
        if (!fits_precision(sums[k], 38)) return data_error("numeric field overflow");
        out.dec[k] = sums[k];
      }
      continue;
    }
    // avg = sum / count with numeric division's rounding.
    const int sr = spec.result.scale;
    const int rs = std::min(numeric_division_scale(sums[k], in_scale, counts[k], 0), sr);
    __int128 num = sums[k];
    if (mul_overflow_i128(num, pow10_i128(rs + 1 - in_scale), &num))
      return data_error("numeric field overflow");
    __int128 q = num / counts[k];
    q = q >= 0 ? (q + 5) / 10 : (q - 5) / 10;
    __int128 v;
    if (mul_overflow_i128(q, pow10_i128(sr - rs), &v) || !fits_precision(v, 38)) {
      return data_error("numeric field overflow");
    }
    out.dec[k] = v;
  }
  return out;
}

}  // namespace rapidbyte::sql
