#include "portable/regex/compiler.hpp"

#include <algorithm>
#include <string>
#include <tuple>

namespace rapidbyte::regex {

namespace {

using Kind = Node::Kind;

// Adds the other ASCII case of every letter range.
void fold_case(CharClass& cls) {
  const auto ranges = cls.ranges;
  for (const auto& [lo, hi] : ranges) {
    for (auto [from, to, delta] : {std::tuple<uint32_t, uint32_t, int>{'a', 'z', -32},
                                   std::tuple<uint32_t, uint32_t, int>{'A', 'Z', 32}}) {
      const uint32_t a = std::max(lo, from);
      const uint32_t b = std::min(hi, to);
      if (a <= b) cls.ranges.push_back({a + delta, b + delta});
    }
  }
  std::sort(cls.ranges.begin(), cls.ranges.end());
}

class Emitter {
 public:
  explicit Emitter(Options options) : options_(options) {}

  std::expected<Program, Error> run(const ParsedPattern& parsed) {
    if (parsed.case_insensitive) options_.case_insensitive = true;
    program_.groups = parsed.groups;
    emit({Op::kSave, 0, 0, 0});
    emit_node(*parsed.root);
    emit({Op::kSave, 0, 1, 0});
    emit({Op::kMatch});
    if (program_.insts.size() > kMaxProgramSize) {
      return std::unexpected(Error{"pattern too large: compiles to more than " +
                                       std::to_string(kMaxProgramSize) + " instructions",
                                   0});
    }
    return std::move(program_);
  }

 private:
  uint32_t pc() const { return static_cast<uint32_t>(program_.insts.size()); }

  uint32_t emit(Inst inst) {
    program_.insts.push_back(inst);
    return pc() - 1;
  }

  // Stops emitting once the program is too large (run() reports it), so a
  // pattern like (a{1000}){1000} costs bounded time and memory.
  bool too_large() const { return program_.insts.size() > kMaxProgramSize; }

  void emit_class(CharClass cls) {
    if (options_.case_insensitive) fold_case(cls);
    program_.classes.push_back(std::move(cls));
    emit({Op::kClass, 0, static_cast<uint32_t>(program_.classes.size() - 1), 0});
  }

  void emit_node(const Node& n) {
    if (too_large()) return;
    switch (n.kind) {
      case Kind::kEmpty:
        return;
      case Kind::kLiteral: {
        const bool letter = (n.c | 0x20) >= 'a' && (n.c | 0x20) <= 'z';
        if (options_.case_insensitive && letter) {
          CharClass cls;
          cls.ranges.push_back({n.c, n.c});
          emit_class(std::move(cls));
        } else {
          emit({Op::kChar, n.c, 0, 0});
        }
        return;
      }
      case Kind::kClass:
        emit_class(n.cls);
        return;
      case Kind::kAny:
        emit({Op::kAny});
        return;
      case Kind::kBegin:
        emit({Op::kBegin});
        return;
      case Kind::kEnd:
        emit({Op::kEnd});
        return;
      case Kind::kWordB:
        emit({Op::kWordB});
        return;
      case Kind::kNotWordB:
        emit({Op::kNotWordB});
        return;
      case Kind::kConcat:
        for (const auto& child : n.children) emit_node(*child);
        return;
      case Kind::kAlt:
        emit_alt(n, 0);
        return;
      case Kind::kGroup:
        emit({Op::kSave, 0, static_cast<uint32_t>(2 * n.group), 0});
        emit_node(*n.children[0]);
        emit({Op::kSave, 0, static_cast<uint32_t>(2 * n.group + 1), 0});
        return;
      case Kind::kRepeat:
        emit_repeat(n);
        return;
    }
  }

  // split L1, L2; L1: child[i]; jmp end; L2: the rest.
  void emit_alt(const Node& n, size_t i) {
    if (i + 1 == n.children.size()) {
      emit_node(*n.children[i]);
      return;
    }
    const uint32_t split = emit({Op::kSplit});
    program_.insts[split].x = pc();
    emit_node(*n.children[i]);
    const uint32_t jmp = emit({Op::kJmp});
    program_.insts[split].y = pc();
    emit_alt(n, i + 1);
    program_.insts[jmp].x = pc();
  }

  // A split whose preferred branch is `body` when greedy.
  void set_split(uint32_t split, uint32_t body, uint32_t out, bool greedy) {
    program_.insts[split].x = greedy ? body : out;
    program_.insts[split].y = greedy ? out : body;
  }

  void emit_repeat(const Node& n) {
    const Node& body = *n.children[0];
    for (int i = 0; i < n.min && !too_large(); ++i) emit_node(body);
    if (n.max < 0) {
      // L: split body, out; body; jmp L; out:
      const uint32_t loop = emit({Op::kSplit});
      emit_node(body);
      emit({Op::kJmp, 0, loop, 0});
      set_split(loop, loop + 1, pc(), n.greedy);
      return;
    }
    // (max - min) optional copies, each skipping to the common end.
    std::vector<uint32_t> splits;
    for (int i = n.min; i < n.max && !too_large(); ++i) {
      splits.push_back(emit({Op::kSplit}));
      emit_node(body);
    }
    for (uint32_t s : splits) set_split(s, s + 1, pc(), n.greedy);
  }

  Options options_;
  Program program_;
};

}  // namespace

std::expected<Program, Error> compile_program(const ParsedPattern& parsed, Options options) {
  return Emitter(options).run(parsed);
}

}  // namespace rapidbyte::regex
