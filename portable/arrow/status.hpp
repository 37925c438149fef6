// Error reporting for the portable Arrow library.
//
// The library is compiled without exceptions (it runs inside wasm32 guests),
// so every operation that can fail returns a Result<T>: either the value or an
// Error whose message says what was wrong, in words fit for a log line.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace rapidbyte::arrow {

struct Error {
  std::string message;
};

template <class T>
using Result = std::expected<T, Error>;

// Shorthand for `return std::unexpected(Error{...})`.
inline std::unexpected<Error> make_error(std::string message) {
  return std::unexpected(Error{std::move(message)});
}

}  // namespace rapidbyte::arrow
