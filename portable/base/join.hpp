// Items as one string with a separator between them: "a, b, c".
#pragma once

#include <string>
#include <string_view>

namespace rapidbyte {

template <class Range>
std::string join(const Range& items, std::string_view separator = ", ") {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += separator;
    out += item;
    first = false;
  }
  return out;
}

}  // namespace rapidbyte
