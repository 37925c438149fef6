#include "guest/connectors/transform-mask/mask_config.hpp"

#include "guest/connectors/transform-common/arrow_cells.hpp"
#include "portable/arrow/utf8.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::mask {

namespace {

constexpr const char* kCode = "MASK_CONFIG";

std::unexpected<protocol::ConnectorError> column_error(const std::string& column,
                                                       const std::string& problem) {
  return sdk::config_error("column '" + column + "': " + problem, kCode);
}

sdk::Result<uint64_t> count(const rapidjson::Value& spec, const char* field,
                            const std::string& column) {
  if (!spec.HasMember(field)) return 0;
  if (!spec[field].IsUint64()) {
    return column_error(column, std::string(field) + " must be a non-negative integer");
  }
  return spec[field].GetUint64();
}

sdk::Result<ColumnMask> parse_column(std::string column, const rapidjson::Value& spec) {
  ColumnMask mask;
  mask.column = std::move(column);
  if (!spec.IsObject() || !spec.HasMember("method") || !spec["method"].IsString()) {
    return column_error(mask.column, "needs a method (hash, redact, partial or null)");
  }
  const std::string_view method = spec["method"].GetString();
  auto only = [&](std::initializer_list<const char*> allowed) -> sdk::Result<void> {
    for (auto it = spec.MemberBegin(); it != spec.MemberEnd(); ++it) {
      const std::string_view key = it->name.GetString();
      bool ok = key == "method";
      for (const char* a : allowed) ok = ok || key == a;
      if (!ok) {
        return column_error(mask.column, "'" + std::string(key) + "' does not apply to method " +
                                             std::string(method));
      }
    }
    return {};
  };
  sdk::Result<void> fields;
  if (method == "hash") {
    mask.method = MaskMethod::kHash;
    fields = only({});
  } else if (method == "null") {
    mask.method = MaskMethod::kNull;
    fields = only({});
  } else if (method == "redact") {
    mask.method = MaskMethod::kRedact;
    fields = only({"value"});
    if (fields && spec.HasMember("value")) {
      if (!spec["value"].IsString()) return column_error(mask.column, "value must be a string");
      mask.value.assign(spec["value"].GetString(), spec["value"].GetStringLength());
    }
  } else if (method == "partial") {
    mask.method = MaskMethod::kPartial;
    fields = only({"keep_first", "keep_last", "mask_char"});
    if (!fields) return std::unexpected(fields.error());
    RB_ASSIGN_OR_RETURN(auto first, count(spec, "keep_first", mask.column));
    RB_ASSIGN_OR_RETURN(auto last, count(spec, "keep_last", mask.column));
    mask.keep_first = first;
    mask.keep_last = last;
    if (spec.HasMember("mask_char")) {
      const auto& c = spec["mask_char"];
      if (!c.IsString() ||
          arrow::count_code_points(std::string_view(c.GetString(), c.GetStringLength())) != 1) {
        return column_error(mask.column, "mask_char must be exactly one character");
      }
      mask.mask_char.assign(c.GetString(), c.GetStringLength());
    }
  } else {
    return column_error(mask.column, "unknown method '" + std::string(method) +
                                         "' (expected hash, redact, partial or null)");
  }
  if (!fields) return std::unexpected(fields.error());
  return mask;
}

}  // namespace

const char* method_name(MaskMethod method) {
  static constexpr const char* kNames[] = {"hash", "redact", "partial", "null"};
  return kNames[static_cast<size_t>(method)];
}

sdk::Result<MaskConfig> MaskConfig::parse(const rapidjson::Value& root) {
  MaskConfig config;
  if (root.HasMember("salt")) {
    if (!root["salt"].IsString()) return sdk::config_error("salt must be a string", kCode);
    config.salt.assign(root["salt"].GetString(), root["salt"].GetStringLength());
  }
  if (!root.HasMember("columns") || !root["columns"].IsObject() ||
      root["columns"].MemberCount() == 0) {
    return sdk::config_error("columns must be an object naming at least one column", kCode);
  }
  for (auto it = root["columns"].MemberBegin(); it != root["columns"].MemberEnd(); ++it) {
    auto mask =
        parse_column(std::string(it->name.GetString(), it->name.GetStringLength()), it->value);
    if (!mask) return std::unexpected(mask.error());
    if (mask->method == MaskMethod::kHash && config.salt.empty()) {
      return column_error(mask->column,
                          "method hash needs a non-empty salt (an unsalted hash of a known "
                          "value is easy to reverse)");
    }
    config.columns.push_back(std::move(*mask));
  }
  return config;
}

}  // namespace rapidbyte::connectors::mask
