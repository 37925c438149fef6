#include "guest/connectors/transform-validate/validation_config.hpp"

#include <cmath>

#include "portable/base/try.hpp"

namespace rapidbyte::connectors::validate {

namespace {

constexpr const char* kCode = "VALIDATE_CONFIG";

std::unexpected<protocol::ConnectorError> rule_error(RuleKind kind, const std::string& column,
                                                     const std::string& problem) {
  return sdk::config_error(rule_label(kind, column) + ": " + problem, kCode);
}

sdk::Result<Rule> parse_rule(const std::string& column, std::string_view name,
                             const rapidjson::Value& v) {
  Rule rule;
  auto flag = [&](RuleKind kind) -> sdk::Result<bool> {
    if (!v.IsBool()) return rule_error(kind, column, "must be true or false");
    rule.kind = kind;
    return v.GetBool();
  };
  if (name == "not_null" || name == "unique") {
    RB_ASSIGN_OR_RETURN(auto on, flag(name == "not_null" ? RuleKind::kNotNull : RuleKind::kUnique));
    if (!on) return rule_error(rule.kind, column, "false is not a rule; leave it out instead");
    return rule;
  }
  if (name == "regex") {
    rule.kind = RuleKind::kRegex;
    if (!v.IsString()) return rule_error(rule.kind, column, "the pattern must be a string");
    auto re = regex::Regex::compile(std::string_view(v.GetString(), v.GetStringLength()));
    if (!re) {
      return rule_error(rule.kind, column,
                        "invalid pattern: " + re.error().message + " at offset " +
                            std::to_string(re.error().position));
    }
    rule.regex = std::move(*re);
    return rule;
  }
  if (name == "range") {
    rule.kind = RuleKind::kRange;
    if (!v.IsObject())
      return rule_error(rule.kind, column, "must be an object with min and/or max");
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      const std::string_view bound(it->name.GetString(), it->name.GetStringLength());
      if (bound != "min" && bound != "max") {
        return rule_error(rule.kind, column, "unknown bound '" + std::string(bound) + "'");
      }
      auto& target = bound == "min" ? rule.min : rule.max;
      if (it->value.IsString()) {
        target = std::string(it->value.GetString(), it->value.GetStringLength());
      } else if (it->value.IsNumber() && std::isfinite(it->value.GetDouble())) {
        target = it->value.GetDouble();
      } else {
        return rule_error(
            rule.kind, column,
            std::string(bound) + " must be a finite number or a date/timestamp string");
      }
    }
    if (!rule.min && !rule.max) return rule_error(rule.kind, column, "needs min or max");
    // Numbers are compared here; dates once parsed for the column bind.
    if (rule.min && rule.max && rule.min->index() == 0 && rule.max->index() == 0 &&
        std::get<double>(*rule.min) > std::get<double>(*rule.max)) {
      return rule_error(rule.kind, column, "min is greater than max");
    }
    return rule;
  }
  if (name == "allowed") {
    rule.kind = RuleKind::kAllowed;
    if (!v.IsArray() || v.Empty()) {
      return rule_error(rule.kind, column, "must be a non-empty list of values");
    }
    for (const auto& item : v.GetArray()) {
      if (item.IsString()) {
        rule.allowed.emplace_back(std::string(item.GetString(), item.GetStringLength()));
      } else if (item.IsInt64()) {
        rule.allowed.emplace_back(item.GetInt64());
      } else {
        return rule_error(rule.kind, column, "values must be strings or integers");
      }
    }
    for (const auto& value : rule.allowed) {
      if (value.index() != rule.allowed.front().index()) {
        return rule_error(rule.kind, column, "mixes strings and integers");
      }
    }
    return rule;
  }
  if (name == "max_length") {
    rule.kind = RuleKind::kMaxLength;
    if (!v.IsUint64()) return rule_error(rule.kind, column, "must be a non-negative integer");
    rule.max_length = v.GetUint64();
    return rule;
  }
  return sdk::config_error("column '" + column + "': unknown rule '" + std::string(name) +
                               "' (expected not_null, regex, range, allowed, unique or max_length)",
                           kCode);
}

}  // namespace

const char* rule_name(RuleKind kind) {
  static constexpr const char* kNames[] = {"not_null", "regex",  "range",
                                           "allowed",  "unique", "max_length"};
  return kNames[static_cast<size_t>(kind)];
}

std::string rule_label(RuleKind kind, const std::string& column) {
  return std::string("rule '") + rule_name(kind) + "' on column '" + column + "'";
}

sdk::Result<ValidationConfig> ValidationConfig::parse(const rapidjson::Value& root) {
  ValidationConfig config;
  if (root.HasMember("on_fail")) {
    const auto& v = root["on_fail"];
    const std::string_view s = v.IsString() ? v.GetString() : "";
    if (s == "fail") {
      config.on_fail = OnFail::kFail;
    } else if (s == "skip") {
      config.on_fail = OnFail::kSkip;
    } else if (s == "dlq") {
      config.on_fail = OnFail::kDlq;
    } else {
      return sdk::config_error("on_fail must be fail, skip or dlq", kCode);
    }
  }
  if (root.HasMember("unique_max_bytes")) {
    const auto& v = root["unique_max_bytes"];
    if (!v.IsUint64() || v.GetUint64() == 0) {
      return sdk::config_error("unique_max_bytes must be a positive integer", kCode);
    }
    config.unique_max_bytes = v.GetUint64();
  }
  if (!root.HasMember("columns") || !root["columns"].IsObject() ||
      root["columns"].MemberCount() == 0) {
    return sdk::config_error("columns must be an object with the rules of at least one column",
                             kCode);
  }
  for (auto col = root["columns"].MemberBegin(); col != root["columns"].MemberEnd(); ++col) {
    ColumnRules column{std::string(col->name.GetString(), col->name.GetStringLength()), {}};
    if (!col->value.IsObject() || col->value.MemberCount() == 0) {
      return sdk::config_error("column '" + column.column + "': needs at least one rule", kCode);
    }
    for (auto r = col->value.MemberBegin(); r != col->value.MemberEnd(); ++r) {
      auto rule =
          parse_rule(column.column,
                     std::string_view(r->name.GetString(), r->name.GetStringLength()), r->value);
      if (!rule) return std::unexpected(rule.error());
      column.rules.push_back(std::move(*rule));
    }
    config.columns.push_back(std::move(column));
  }
  return config;
}

}  // namespace rapidbyte::connectors::validate
