// libFuzzer target for the regex engine: the input's first byte says how
// much of the rest is the pattern; the remainder is the text. A pattern
// either fails to compile with an error (expected) or compiles, and then
// the lazy DFA (Regex::search, Matcher) and the Pike VM (Regex::find) must
// agree on whether it matches, and a match must lie inside the text. Any
// disagreement, crash, over-read (ASan) or runaway is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "portable/regex/regex.hpp"

using rapidbyte::regex::Matcher;
using rapidbyte::regex::Regex;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t split = std::min<size_t>(data[0] % 64, input.size());
  const std::string_view pattern = input.substr(0, split);
  const std::string_view text = input.substr(split);
  auto re = Regex::compile(pattern);
  if (!re) return 0;
  const auto found = re->find(text);
  const bool dfa = re->search(text);
  Matcher matcher(*re);
  if (dfa != found.has_value() || matcher.search(text) != dfa) std::abort();
  // Twice through one matcher: its cache must not change the answer.
  if (matcher.search(text) != dfa) std::abort();
  if (found) {
    for (const auto& group : found->groups) {
      if (group && (group->data() < text.data() ||
                    group->data() + group->size() > text.data() + text.size())) {
        std::abort();
      }
    }
  }
  return 0;
}
