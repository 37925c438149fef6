// LazyDfa: answers "does the pattern match anywhere in this text?" with a
// deterministic automaton built from the Program on demand — each DFA state
// is a set of Pike VM threads, and each transition is computed the first
// time it is taken, then cached. A search then costs one table lookup per
// code point (ASCII) instead of running every thread.
//
// Used for search() without captures. Programs with word-boundary
// assertions (\b, \B) need the previous character too and are left to the
// Pike VM (supports() is false). The cache is bounded: past kMaxStates it is
// flushed and rebuilt from the current state, so memory stays bounded and
// time stays linear. Not thread-safe: one per thread (regex::Matcher).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "portable/regex/program.hpp"

namespace rapidbyte::regex {

class LazyDfa {
 public:
  static constexpr size_t kMaxStates = 4096;

  static bool supports(const Program& program);

  // REQUIRES: supports(program); `program` outlives the DFA.
  explicit LazyDfa(const Program& program);

  bool search(std::string_view text);

 private:
  struct State {
    std::vector<uint32_t> leaves;      // consuming, kMatch and pending kEnd pcs, sorted
    bool at_begin = false;             // the state before the first code point
    bool match = false;                // a kMatch leaf
    int8_t match_at_end = -1;          // -1: not computed yet
    std::array<int32_t, 128> ascii{};  // next state per ASCII code point; -1: unknown
    std::unordered_map<uint32_t, int32_t> other;
  };

  // The leaves reachable from `seeds` without consuming input.
  std::vector<uint32_t> closure(const std::vector<uint32_t>& seeds, bool at_begin, bool at_end);
  int32_t intern(std::vector<uint32_t> leaves, bool at_begin);
  int32_t next(int32_t state, uint32_t c);
  bool matches_at_end(int32_t state);

  const Program& prog_;
  std::vector<State> states_;
  std::map<std::pair<std::vector<uint32_t>, bool>, int32_t> index_;
  int32_t initial_ = -1;
  // Scratch for closure().
  std::vector<uint32_t> stack_;
  std::vector<uint32_t> seen_;  // generation per pc
  uint32_t generation_ = 0;
};

}  // namespace rapidbyte::regex
