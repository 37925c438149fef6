// Runs tests/connectors/lake_readers.py (what pyarrow and DuckDB see of a
// lake, and files they write) with `args`; its output, or a test failure
// when it fails.
#pragma once

#include <string>
#include <vector>

#include "tests/support/libpq_session.hpp"
#include "tests/support/run_command.hpp"

namespace rapidbyte::test {

inline std::string lake_readers(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"python3",
                                   RAPIDBYTE_SOURCE_DIR "/tests/connectors/lake_readers.py"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command_checked(argv);
}

// The same through tests/connectors/lake_duckdb_s3.py: what DuckDB's httpfs
// extension sees of a stream in the test server's bucket.
inline std::string lake_duckdb_s3(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {RAPIDBYTE_DUCKDB_EXTENSIONS_PYTHON,
                                   RAPIDBYTE_SOURCE_DIR "/tests/connectors/lake_duckdb_s3.py"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command_checked(argv);
}

// PostgreSQL's text of `columns` of `table`, one "id|col1|col2" line per row
// in id order (NULL for a null): what the engines' text of the same columns
// must read where PostgreSQL and they spell values alike.
inline std::string postgres_text_of(LibpqSession& session, const std::string& table,
                                    const std::vector<std::string>& columns) {
  std::string list;
  for (const auto& c : columns) list += ", coalesce(" + c + "::text, 'NULL')";
  std::string text;
  for (const auto& row : session.query("SELECT id" + list + " FROM " + table + " ORDER BY id")) {
    std::string line;
    for (const auto& cell : row) line += (line.empty() ? "" : "|") + cell.value_or("NULL");
    text += line + "\n";
  }
  return text;
}

}  // namespace rapidbyte::test
