// An HTTP header as sent or received, and the lookups HTTP needs: names
// (and tokens such as "chunked" or "close") compare without regard to case.
#pragma once

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rapidbyte::s3 {

struct HttpHeader {
  std::string name;
  std::string value;
};

inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

// The first value of header `name` in `headers`; nullopt when absent.
inline std::optional<std::string_view> find_header(const std::vector<HttpHeader>& headers,
                                                   std::string_view name) {
  for (const HttpHeader& h : headers) {
    if (equals_ignoring_case(h.name, name)) return h.value;
  }
  return std::nullopt;
}

}  // namespace rapidbyte::s3
