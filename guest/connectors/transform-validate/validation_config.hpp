// ValidationConfig: the rules of transform-validate, parsed from its JSON
// config — per column, an ordered list of rules — plus what happens to a row
// that fails one (on_fail) and the memory the unique rule may use.
//
//   {"on_fail": "dlq",
//    "unique_max_bytes": 67108864,
//    "columns": {"email": {"not_null": true, "regex": "^[^@]+@[^@]+$",
//                          "max_length": 254},
//                "age": {"range": {"min": 0, "max": 150}},
//                "signed_up": {"range": {"min": "2020-01-01"}},
//                "status": {"allowed": ["active", "closed"]},
//                "id": {"unique": true}}}
//
// Parsing checks what can be checked without the stream's schema (regex
// syntax, min <= max, mixed allowed values); RowValidator::bind checks the
// rules against the column types. Every error names the rule and the column.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <rapidjson/document.h>

#include "guest/sdk/error.hpp"
#include "portable/regex/regex.hpp"

namespace rapidbyte::connectors::validate {

enum class RuleKind : uint8_t { kNotNull, kRegex, kRange, kAllowed, kUnique, kMaxLength };

// The rule's name as written in the config ("not_null", "regex", ...).
const char* rule_name(RuleKind kind);

struct Rule {
  RuleKind kind = RuleKind::kNotNull;
  std::optional<regex::Regex> regex;  // kRegex
  // kRange: a number (numeric columns) or ISO-8601 text (date and timestamp
  // columns, see temporal_bound.hpp); which one must fit the column.
  std::optional<std::variant<double, std::string>> min;
  std::optional<std::variant<double, std::string>> max;
  std::vector<std::variant<std::string, int64_t>> allowed;  // kAllowed
  uint64_t max_length = 0;                                  // kMaxLength
};

struct ColumnRules {
  std::string column;
  std::vector<Rule> rules;  // in config order
};

enum class OnFail : uint8_t { kFail, kSkip, kDlq };

struct ValidationConfig {
  // Memory the unique rules may use for the keys they remember, all columns
  // together; the run fails with a clear error beyond it.
  static constexpr uint64_t kDefaultUniqueMaxBytes = uint64_t{64} << 20;

  std::vector<ColumnRules> columns;  // in config order
  OnFail on_fail = OnFail::kFail;
  uint64_t unique_max_bytes = kDefaultUniqueMaxBytes;

  static sdk::Result<ValidationConfig> parse(const rapidjson::Value& root);
};

// "rule 'regex' on column 'email'": how errors and failures name a rule.
std::string rule_label(RuleKind kind, const std::string& column);

}  // namespace rapidbyte::connectors::validate
