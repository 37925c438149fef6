// Runs tests/connectors/lake_readers.py (what pyarrow and DuckDB see of a
// lake, and files they write) with `args`; its output, or a test failure
// when it fails.
#pragma once

#include <string>
#include <vector>

#include "tests/support/run_command.hpp"

namespace rapidbyte::test {

inline std::string lake_readers(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"python3",
                                   RAPIDBYTE_SOURCE_DIR "/tests/connectors/lake_readers.py"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command_checked(argv);
}

}  // namespace rapidbyte::test
