// The regex compiler: syntax tree -> Program for the Pike VM. Repetitions
// are expanded ({2,4} becomes two copies and two optional ones), so the
// program size is checked against kMaxProgramSize while emitting.
#pragma once

#include <expected>

#include "portable/regex/parser.hpp"
#include "portable/regex/program.hpp"
#include "portable/regex/regex.hpp"

namespace rapidbyte::regex {

std::expected<Program, Error> compile_program(const ParsedPattern& parsed, Options options);

}  // namespace rapidbyte::regex
