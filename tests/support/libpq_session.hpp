// LibpqSession: a libpq connection for tests to prepare data and to check
// what the server holds, independently of the project's own client.
//
// Host-side test code only. Owns its PGconn (closed in the destructor);
// move-only. Failures throw std::runtime_error with libpq's message.
#pragma once

#include <optional>
#include <string>
#include <vector>

struct pg_conn;

namespace rapidbyte::test {

// One result row in text format; nullopt is SQL NULL.
using TextRow = std::vector<std::optional<std::string>>;

class LibpqSession {
 public:
  // `conninfo` is a libpq connection string ("host=... port=... dbname=...").
  explicit LibpqSession(const std::string& conninfo);
  ~LibpqSession();
  LibpqSession(LibpqSession&& other) noexcept;
  LibpqSession& operator=(LibpqSession&&) = delete;
  LibpqSession(const LibpqSession&) = delete;
  LibpqSession& operator=(const LibpqSession&) = delete;

  // Runs one or more statements; throws when any fails.
  void exec(const std::string& sql);

  // Rows of a query in text format.
  std::vector<TextRow> query(const std::string& sql);

  // The single value of a one-row, one-column query. REQUIRES: it has one.
  std::optional<std::string> value(const std::string& sql);

  // The value the server quotes `text` to as a literal ('...' with escapes).
  std::string literal(const std::string& text);

 private:
  pg_conn* conn_ = nullptr;
};

}  // namespace rapidbyte::test
