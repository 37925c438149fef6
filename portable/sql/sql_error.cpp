#include "portable/sql/sql_error.hpp"

namespace rapidbyte::sql {

std::string describe_position(std::string_view query, int64_t position) {
  int64_t line = 1;
  int64_t column = 1;
  for (int64_t i = 0; i < position && i < static_cast<int64_t>(query.size()); ++i) {
    if (query[static_cast<size_t>(i)] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(query[static_cast<size_t>(i)]) & 0xC0) != 0x80) {
      ++column;  // count characters, not UTF-8 continuation bytes
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

std::string describe(const SqlError& error, std::string_view query) {
  switch (error.kind) {
    case ErrorKind::kSyntax:
    case ErrorKind::kBind: {
      std::string out = error.kind == ErrorKind::kSyntax ? "syntax error" : "query error";
      if (error.position >= 0) out += " at " + describe_position(query, error.position);
      return out + ": " + error.message;
    }
    case ErrorKind::kData: {
      std::string out;
      if (error.row >= 0) out = "row " + std::to_string(error.row) + ": ";
      out += error.message;
      if (!error.expression.empty()) out += " in \"" + error.expression + "\"";
      return out;
    }
  }
  return error.message;
}

}  // namespace rapidbyte::sql
