// SqlError: what went wrong while preparing or running a query, and where.
//
// The SQL engine runs inside wasm guests without exceptions, so every step
// returns Result<T> (a std::expected). Errors found in the query text
// (lexing, parsing, binding) carry the byte offset of the offending token;
// describe() turns it into "line L, column C". Errors found while evaluating
// (overflow, division by zero, bad casts) carry the row position in the
// batch and the text of the expression that failed.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace rapidbyte::sql {

enum class ErrorKind : uint8_t {
  kSyntax,  // the text is not SQL this engine reads
  kBind,    // names, types or clauses do not fit the input schema
  kData,    // a value could not be computed (overflow, bad cast, ...)
};

struct SqlError {
  ErrorKind kind = ErrorKind::kSyntax;
  std::string message;
  int64_t position = -1;   // byte offset in the query text, -1 when unknown
  int64_t row = -1;        // row of the batch (kData), -1 when unknown
  std::string expression;  // SQL text of the failing expression (kData)
};

template <class T>
using Result = std::expected<T, SqlError>;

inline std::unexpected<SqlError> syntax_error(std::string message, int64_t position) {
  return std::unexpected(SqlError{ErrorKind::kSyntax, std::move(message), position, -1, {}});
}
inline std::unexpected<SqlError> bind_error(std::string message, int64_t position) {
  return std::unexpected(SqlError{ErrorKind::kBind, std::move(message), position, -1, {}});
}
// `row` is relative to the vector being evaluated; the evaluator maps it to
// the batch row and adds the expression.
inline std::unexpected<SqlError> data_error(std::string message, int64_t row = -1) {
  return std::unexpected(SqlError{ErrorKind::kData, std::move(message), -1, row, {}});
}

// "line 1, column 8" for a byte offset into `query`.
std::string describe_position(std::string_view query, int64_t position);

// The error as one line for a log or a connector error:
//   syntax error at line 1, column 8: expected FROM, found "WHERE"
//   row 17: integer out of range in "a * 1000"
std::string describe(const SqlError& error, std::string_view query);

}  // namespace rapidbyte::sql
