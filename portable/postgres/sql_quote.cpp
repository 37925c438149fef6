#include "portable/postgres/sql_quote.hpp"

namespace rapidbyte::postgres {
namespace {

std::string quote_with(std::string_view text, char quote) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back(quote);
  for (char c : text) {
    if (c == '\0') continue;
    if (c == quote) out.push_back(quote);
    out.push_back(c);
  }
  out.push_back(quote);
  return out;
}

}  // namespace

std::string quote_identifier(std::string_view name) {
  return quote_with(name, '"');
}

std::string quote_literal(std::string_view text) {
  return quote_with(text, '\'');
}

}  // namespace rapidbyte::postgres
