// ASCII case folding for SQL keywords, identifiers, function names and
// units, which the engine compares case-insensitively; other bytes (UTF-8)
// pass through unchanged.
#pragma once

#include <string>
#include <string_view>

namespace rapidbyte::sql {

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

}  // namespace rapidbyte::sql
