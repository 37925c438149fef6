#include "guest/connectors/transform-validate/row_validator.hpp"

#include <cmath>
#include <unordered_set>

#include "guest/connectors/transform-common/arrow_cells.hpp"
#include "guest/connectors/transform-validate/temporal_bound.hpp"
#include "portable/arrow/utf8.hpp"

namespace rapidbyte::connectors::validate {

namespace {

struct TextHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

constexpr const char* kCode = "VALIDATE_CONFIG";
constexpr __int128 kInt128Max = static_cast<__int128>(~static_cast<unsigned __int128>(0) >> 1);

// A double bound as an integer bound: the integers >= min are those >=
// ceil(min), and <= max those <= floor(max); far-out bounds saturate.
__int128 integer_bound(double bound, bool lower) {
  const double rounded = lower ? std::ceil(bound) : std::floor(bound);
  if (rounded >= 1e38) return kInt128Max;
  if (rounded <= -1e38) return -kInt128Max;
  return static_cast<__int128>(rounded);
}

// How a range rule compares on its column: as exact integers (integer,
// date and timestamp columns, in the column's own encoding) or as doubles.
struct RangeBounds {
  bool exact = false;
  __int128 min_int = -kInt128Max;
  __int128 max_int = kInt128Max;
  std::optional<double> min_num;
  std::optional<double> max_num;
};

sdk::Result<RangeBounds> bind_range(const Rule& rule, const std::string& column,
                                    const arrow::DataType& type) {
  const bool date = type.id() == arrow::TypeId::kDate32;
  const bool temporal = date || type.id() == arrow::TypeId::kTimestamp;
  auto fail = [&](const std::string& problem) {
    return sdk::config_error(rule_label(RuleKind::kRange, column) + ": " + problem, kCode);
  };
  if (!cells::is_numeric(type) && !temporal) {
    return fail("needs a numeric, date or timestamp column, but the column is " + type.to_string());
  }
  RangeBounds r;
  r.exact = cells::is_integer(type) || temporal;
  for (const bool lower : {true, false}) {
    const auto& bound = lower ? rule.min : rule.max;
    if (!bound) continue;
    const std::string name = lower ? "min" : "max";
    __int128& exact = lower ? r.min_int : r.max_int;
    if (!temporal) {
      if (bound->index() != 0) return fail(name + " must be a number for a numeric column");
      const double v = std::get<double>(*bound);
      if (r.exact) {
        exact = integer_bound(v, lower);
      } else {
        (lower ? r.min_num : r.max_num) = v;
      }
      continue;
    }
    if (bound->index() != 1) {
      return fail(name + " must be a " + (date ? "date" : "timestamp") + " string for a " +
                  type.to_string() + " column");
    }
    const std::string& text = std::get<std::string>(*bound);
    const auto parsed = date ? parse_date_days(text) : parse_timestamp(text, type.unit());
    if (!parsed) {
      return fail(name + " '" + text + "' is not a " +
                  (date ? std::string("date (YYYY-MM-DD)")
                        : "timestamp (YYYY-MM-DD[THH:MM:SS[.fraction]][Z|+HH:MM]) within the "
                          "precision and span of " +
                              type.to_string()));
    }
    exact = *parsed;
  }
  if (temporal && r.min_int > r.max_int) return fail("min is later than max");
  return r;
}

}  // namespace

// A rule bound to a column of the current schema, with its lookups prepared.
struct RowValidator::Bound {
  const Rule* rule = nullptr;
  int column = -1;
  std::optional<regex::Matcher> matcher;  // kRegex
  bool text = false;                      // text column (else binary, for max_length)
  bool integer = false;                   // integer column (allowed)
  RangeBounds range;                      // kRange
  // Looked up by string_view, without a string per row.
  std::unordered_set<std::string, TextHash, std::equal_to<>> allowed_text;
  std::unordered_set<int64_t> allowed_int;
};

RowValidator::RowValidator(ValidationConfig config) : config_(std::move(config)) {
  for (const auto& column : config_.columns) {
    for (const auto& rule : column.rules) stats_.push_back({column.column, rule.kind, 0});
  }
  unique_keys_.resize(stats_.size());
}

RowValidator::~RowValidator() = default;

sdk::Result<void> RowValidator::bind(std::shared_ptr<const arrow::Schema> schema) {
  if (schema_ && *schema_ == *schema) return {};
  std::vector<Bound> bound;
  for (const auto& column : config_.columns) {
    const int index = schema->field_index(column.column);
    if (index < 0) {
      return sdk::config_error(
          "column '" + column.column + "' has rules but the stream has no such column", kCode);
    }
    const arrow::DataType& type = schema->field(index).type;
    auto type_error = [&](RuleKind kind, const char* needs) {
      return sdk::config_error(rule_label(kind, column.column) + ": needs " + needs +
                                   " column, but the column is " + type.to_string(),
                               kCode);
    };
    for (const auto& rule : column.rules) {
      Bound b;
      b.rule = &rule;
      b.column = index;
      b.text = cells::is_text(type);
      b.integer = cells::is_integer(type);
      switch (rule.kind) {
        case RuleKind::kNotNull:
        case RuleKind::kUnique:
          break;
        case RuleKind::kRegex:
          if (!b.text) return type_error(rule.kind, "a text (utf8)");
          b.matcher.emplace(*rule.regex);
          break;
        case RuleKind::kMaxLength:
          if (!b.text && !cells::is_binary(type)) return type_error(rule.kind, "a text or binary");
          break;
        case RuleKind::kRange: {
          auto range = bind_range(rule, column.column, type);
          if (!range) return std::unexpected(range.error());
          b.range = *range;
          break;
        }
        case RuleKind::kAllowed: {
          const bool strings = std::holds_alternative<std::string>(rule.allowed.front());
          if (strings && !b.text) return type_error(rule.kind, "a text (utf8)");
          if (!strings && !b.integer) return type_error(rule.kind, "an integer");
          for (const auto& v : rule.allowed) {
            if (strings) {
              b.allowed_text.insert(std::get<std::string>(v));
            } else {
              b.allowed_int.insert(std::get<int64_t>(v));
            }
          }
          break;
        }
      }
      bound.push_back(std::move(b));
    }
  }
  bound_ = std::move(bound);
  schema_ = std::move(schema);
  return {};
}

sdk::Result<std::vector<std::optional<size_t>>> RowValidator::check(
    const arrow::RecordBatch& batch) {
  const int64_t rows = batch.num_rows();
  std::vector<std::optional<size_t>> failed(static_cast<size_t>(rows));
  // Column at a time for every rule but unique.
  std::vector<size_t> unique_rules;
  for (size_t r = 0; r < bound_.size(); ++r) {
    Bound& b = bound_[r];
    const Rule& rule = *b.rule;
    if (rule.kind == RuleKind::kUnique) {
      unique_rules.push_back(r);
      continue;
    }
    const arrow::Array& array = batch.column(b.column);
    std::optional<cells::BytesColumn> text;  // rules on text and binary columns
    if (cells::is_text(array.type()) || cells::is_binary(array.type())) text.emplace(array);
    for (int64_t row = 0; row < rows; ++row) {
      auto& slot = failed[static_cast<size_t>(row)];
      if (slot) continue;
      const bool null = array.is_null(row);
      bool ok = true;
      switch (rule.kind) {
        case RuleKind::kNotNull:
          ok = !null;
          break;
        case RuleKind::kRegex:
          ok = null || b.matcher->search(text->value(row));
          break;
        case RuleKind::kMaxLength: {
          if (null) break;
          const std::string_view v = text->value(row);
          ok = (b.text ? arrow::count_code_points(v) : v.size()) <= rule.max_length;
          break;
        }
        case RuleKind::kRange:
          if (null) break;
          if (b.range.exact) {
            const __int128 v = cells::integer(array, row);
            ok = v >= b.range.min_int && v <= b.range.max_int;
          } else {
            const double v = cells::number(array, row);
            ok = !std::isnan(v) && (!b.range.min_num || v >= *b.range.min_num) &&
                 (!b.range.max_num || v <= *b.range.max_num);
          }
          break;
        case RuleKind::kAllowed:
          if (null) break;
          if (b.text) {
            ok = b.allowed_text.contains(text->value(row));
          } else {
            const __int128 v = cells::integer(array, row);
            ok =
                v >= INT64_MIN && v <= INT64_MAX && b.allowed_int.contains(static_cast<int64_t>(v));
          }
          break;
        case RuleKind::kUnique:
          break;
      }
      if (!ok) slot = r;
    }
  }
  // Unique last, row at a time: a row's keys are remembered only when it
  // passes every rule, and a duplicate within the batch is caught too.
  if (!unique_rules.empty()) {
    std::vector<std::string> keys(unique_rules.size());
    for (int64_t row = 0; row < rows; ++row) {
      auto& slot = failed[static_cast<size_t>(row)];
      if (slot) continue;
      for (size_t u = 0; u < unique_rules.size() && !slot; ++u) {
        const size_t r = unique_rules[u];
        const Bound& b = bound_[r];
        const arrow::Array& array = batch.column(b.column);
        keys[u].clear();
        if (array.is_null(row)) continue;  // nulls are never duplicates
        cells::append_key(batch.schema()->field(b.column), array, row, keys[u]);
        if (unique_keys_[r].contains(keys[u])) slot = r;
      }
      if (slot) continue;
      for (size_t u = 0; u < unique_rules.size(); ++u) {
        const size_t r = unique_rules[u];
        if (batch.column(bound_[r].column).is_null(row)) continue;
        unique_bytes_ += keys[u].size() + kUniqueKeyOverhead;
        if (unique_bytes_ > config_.unique_max_bytes) {
          return sdk::data_error(
              rule_label(RuleKind::kUnique, stats_[r].column) +
                  ": the keys remembered so far exceed unique_max_bytes (" +
                  std::to_string(config_.unique_max_bytes) +
                  " bytes); raise unique_max_bytes to check uniqueness over this many rows",
              "VALIDATE_UNIQUE_LIMIT");
        }
        unique_keys_[r].insert(std::move(keys[u]));
      }
    }
  }
  for (const auto& slot : failed) {
    if (slot) ++stats_[*slot].failures;
  }
  return failed;
}

std::string RowValidator::describe_failure(size_t rule) const {
  const Rule& r = *bound_[rule].rule;
  std::string out = "column '" + stats_[rule].column + "' fails rule '" + rule_name(r.kind) + "'";
  switch (r.kind) {
    case RuleKind::kRegex:
      out += " (" + r.regex->pattern() + ")";
      break;
    case RuleKind::kMaxLength:
      out += " (" + std::to_string(r.max_length) + ")";
      break;
    default:
      break;
  }
  return out;
}

}  // namespace rapidbyte::connectors::validate
