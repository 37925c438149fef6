#include "portable/regex/lazy_dfa.hpp"

#include <algorithm>

namespace rapidbyte::regex {

bool LazyDfa::supports(const Program& program) {
  return std::none_of(program.insts.begin(), program.insts.end(),
                      [](const Inst& i) { return i.op == Op::kWordB || i.op == Op::kNotWordB; });
}

LazyDfa::LazyDfa(const Program& program) : prog_(program), seen_(program.insts.size(), 0) {}

std::vector<uint32_t> LazyDfa::closure(const std::vector<uint32_t>& seeds, bool at_begin,
                                       bool at_end) {
  ++generation_;
  std::vector<uint32_t> leaves;
  stack_.assign(seeds.begin(), seeds.end());
  while (!stack_.empty()) {
    const uint32_t pc = stack_.back();
    stack_.pop_back();
    if (seen_[pc] == generation_) continue;
    seen_[pc] = generation_;
    const Inst& inst = prog_.insts[pc];
    switch (inst.op) {
      case Op::kJmp:
        stack_.push_back(inst.x);
        break;
      case Op::kSplit:
        stack_.push_back(inst.y);
        stack_.push_back(inst.x);
        break;
      case Op::kSave:
        stack_.push_back(pc + 1);
        break;
      case Op::kBegin:
        if (at_begin) stack_.push_back(pc + 1);
        break;
      case Op::kEnd:
        if (at_end) {
          stack_.push_back(pc + 1);
        } else {
          leaves.push_back(pc);  // decided at the end of the text
        }
        break;
      default:  // consuming or kMatch (word boundaries are not supported)
        leaves.push_back(pc);
        break;
    }
  }
  std::sort(leaves.begin(), leaves.end());
  return leaves;
}

int32_t LazyDfa::intern(std::vector<uint32_t> leaves, bool at_begin) {
  auto key = std::make_pair(leaves, at_begin);
  if (auto it = index_.find(key); it != index_.end()) return it->second;
  State s;
  s.leaves = std::move(leaves);
  s.at_begin = at_begin;
  s.match = std::any_of(s.leaves.begin(), s.leaves.end(),
                        [&](uint32_t pc) { return prog_.insts[pc].op == Op::kMatch; });
  s.ascii.fill(-1);
  states_.push_back(std::move(s));
  const auto id = static_cast<int32_t>(states_.size() - 1);
  index_.emplace(std::move(key), id);
  return id;
}

int32_t LazyDfa::next(int32_t state, uint32_t c) {
  {
    const State& s = states_[static_cast<size_t>(state)];
    if (c < 128) {
      if (s.ascii[c] >= 0) return s.ascii[c];
    } else if (auto it = s.other.find(c); it != s.other.end()) {
      return it->second;
    }
  }
  std::vector<uint32_t> seeds;
  for (uint32_t pc : states_[static_cast<size_t>(state)].leaves) {
    const Inst& inst = prog_.insts[pc];
    bool step = false;
    switch (inst.op) {
      case Op::kChar:
        step = c == inst.c;
        break;
      case Op::kAny:
        step = c != '\n';
        break;
      case Op::kClass:
        step = prog_.classes[inst.x].contains(c);
        break;
      default:
        break;
    }
    if (step) seeds.push_back(pc + 1);
  }
  seeds.push_back(0);  // unanchored: a match may start at the next position
  std::vector<uint32_t> leaves = closure(seeds, /*at_begin=*/false, /*at_end=*/false);
  if (states_.size() >= kMaxStates) {
    // Bounded memory: start over with only the state we are moving to.
    states_.clear();
    index_.clear();
    initial_ = -1;
    return intern(std::move(leaves), false);
  }
  const int32_t to = intern(std::move(leaves), false);
  State& s = states_[static_cast<size_t>(state)];
  if (c < 128) {
    s.ascii[c] = to;
  } else {
    s.other.emplace(c, to);
  }
  return to;
}

bool LazyDfa::matches_at_end(int32_t state) {
  State& s = states_[static_cast<size_t>(state)];
  if (s.match_at_end < 0) {
    std::vector<uint32_t> seeds;
    for (uint32_t pc : s.leaves) {
      if (prog_.insts[pc].op == Op::kEnd) seeds.push_back(pc + 1);
    }
    // A match may also start at the very end (an empty match such as `$`).
    if (!s.at_begin) seeds.push_back(0);
    const auto leaves = closure(seeds, s.at_begin, /*at_end=*/true);
    const bool m = std::any_of(leaves.begin(), leaves.end(),
                               [&](uint32_t pc) { return prog_.insts[pc].op == Op::kMatch; });
    states_[static_cast<size_t>(state)].match_at_end = m ? 1 : 0;
  }
  return states_[static_cast<size_t>(state)].match_at_end == 1;
}

bool LazyDfa::search(std::string_view text) {
  if (initial_ < 0) initial_ = intern(closure({0}, /*at_begin=*/true, /*at_end=*/false), true);
  int32_t state = initial_;
  for (size_t pos = 0; pos < text.size();) {
    const State& s = states_[static_cast<size_t>(state)];
    if (s.match) return true;
    // No thread left and none can start (every start is blocked by `^`).
    if (s.leaves.empty() && !s.at_begin) return false;
    const auto byte = static_cast<uint8_t>(text[pos]);
    uint32_t c = byte;
    size_t len = 1;
    if (byte >= 0x80) c = decode_utf8(text, pos, len);
    state = next(state, c);
    pos += len;
  }
  return states_[static_cast<size_t>(state)].match || matches_at_end(state);
}

}  // namespace rapidbyte::regex
