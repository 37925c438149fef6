// One line of `rapidbyte check`: what was checked, and how it went.
#pragma once

#include <string>

#include "portable/protocol/types.hpp"

namespace rapidbyte::engine {

struct CheckLine {
  std::string subject;  // e.g. "source source-generator", "stream public.orders"
  std::string check;    // e.g. "config schema", "open", "cursor_field", a connector's check
  protocol::CheckStatus status = protocol::CheckStatus::kPassed;
  std::string message;
  // The pipeline file itself is invalid (a run would refuse to start, exit
  // code 2), as opposed to a problem found in the systems it names.
  bool invalid_pipeline = false;
};

}  // namespace rapidbyte::engine
