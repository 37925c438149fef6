// "Did you mean": the known name closest to a misspelt one, for messages
// that name what the user wrote and what exists.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rapidbyte::engine {

// The candidate nearest to `name` by edit distance (case-insensitive), when
// it is close enough to be a likely typo: at most a third of the name's
// length, and at least 1 and at most 3 edits. Ties go to the first
// candidate. Nullopt when none is that close.
std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& candidates);

// "; did you mean 'x'?" for the closest candidate, or "".
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace rapidbyte::engine
