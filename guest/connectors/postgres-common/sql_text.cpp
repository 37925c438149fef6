#include "guest/connectors/postgres-common/sql_text.hpp"

namespace rapidbyte::connectors::postgres_common {
namespace {

// Removes surrounding double quotes and undoubles embedded ones.
std::string unquote(std::string_view part) {
  if (part.size() >= 2 && part.front() == '"' && part.back() == '"') {
    std::string out;
    for (size_t i = 1; i + 1 < part.size(); ++i) {
      out.push_back(part[i]);
      if (part[i] == '"' && i + 2 < part.size() && part[i + 1] == '"') ++i;
    }
    return out;
  }
  return std::string(part);
}

}  // namespace

std::string quote_qualified(std::string_view schema, std::string_view table) {
  return quote_identifier(schema) + "." + quote_identifier(table);
}

std::string quote_identifier_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += quote_identifier(name);
  }
  return out;
}

std::string TableName::stream_name() const {
  return schema == "public" ? table : schema + "." + table;
}

TableName parse_table_name(std::string_view stream, std::string_view default_schema) {
  bool in_quotes = false;
  for (size_t i = 0; i < stream.size(); ++i) {
    if (stream[i] == '"') in_quotes = !in_quotes;
    if (stream[i] == '.' && !in_quotes) {
      return {unquote(stream.substr(0, i)), unquote(stream.substr(i + 1))};
    }
  }
  return {std::string(default_schema), unquote(stream)};
}

}  // namespace rapidbyte::connectors::postgres_common
