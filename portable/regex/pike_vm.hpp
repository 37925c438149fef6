// The Pike VM: runs a Program over a text, all threads in lock step, one
// code point at a time, so matching is O(text x program) with no
// backtracking. Threads are kept in priority order, which gives Perl's
// leftmost-first semantics for alternation and greedy/lazy repetition.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "portable/regex/program.hpp"

namespace rapidbyte::regex {

// Searches `text` from byte offset `start` (REQUIRES: start <= text.size(),
// on a code point boundary) for the leftmost match; `^` still means the
// start of `text`. With `want_groups` false it stops
// at the first match found and returns empty slots. Otherwise it returns
// the 2 * (groups + 1) capture slots (byte offsets, -1 when unset) of the
// leftmost-first match. nullopt when nothing matches.
std::optional<std::vector<int64_t>> pike_search(const Program& program, std::string_view text,
                                                size_t start, bool want_groups);

}  // namespace rapidbyte::regex
