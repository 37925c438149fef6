#include "portable/regex/pike_vm.hpp"

#include <algorithm>

namespace rapidbyte::regex {

namespace {

bool is_word(int64_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

// The threads at one text position: a sparse set of program counters in
// priority order, each with its capture slots (stored per pc, since a pc
// appears at most once).
class ThreadList {
 public:
  ThreadList(size_t program_size, size_t slots)
      : sparse_(program_size), slots_(slots), caps_(program_size * slots) {
    dense_.reserve(program_size);
  }

  bool contains(uint32_t pc) const {
    const uint32_t i = sparse_[pc];
    return i < dense_.size() && dense_[i] == pc;
  }
  void insert(uint32_t pc) {
    sparse_[pc] = static_cast<uint32_t>(dense_.size());
    dense_.push_back(pc);
  }
  void clear() { dense_.clear(); }
  const std::vector<uint32_t>& pcs() const { return dense_; }
  int64_t* caps(uint32_t pc) { return caps_.data() + pc * slots_; }

 private:
  std::vector<uint32_t> dense_;
  std::vector<uint32_t> sparse_;
  size_t slots_;
  std::vector<int64_t> caps_;
};

class Vm {
 public:
  Vm(const Program& program, std::string_view text, size_t start, bool want_groups)
      : prog_(program),
        start_(start),
        text_(text),
        slots_(want_groups ? 2 * (program.groups + 1) : 0),
        clist_(program.insts.size(), slots_),
        nlist_(program.insts.size(), slots_),
        scratch_(slots_, -1) {}

  std::optional<std::vector<int64_t>> run() {
    std::optional<std::vector<int64_t>> matched;
    size_t pos = start_;
    // The byte before pos (-1 at the start) stands for the code point before
    // it: only word boundaries look at it, and word characters are ASCII.
    int64_t prev = pos == 0 ? -1 : int64_t{static_cast<uint8_t>(text_[pos - 1])};
    while (true) {
      size_t len = 0;
      const int64_t cur = pos < text_.size() ? int64_t{decode_utf8(text_, pos, len)} : -1;
      if (!matched) {
        // A new thread starting here, at the lowest priority.
        std::fill(scratch_.begin(), scratch_.end(), -1);
        add(clist_, 0, pos, prev, cur);
      }
      if (clist_.pcs().empty()) break;
      for (uint32_t pc : clist_.pcs()) {
        const Inst& inst = prog_.insts[pc];
        bool step = false;
        switch (inst.op) {
          case Op::kMatch: {
            const int64_t* caps = clist_.caps(pc);
            matched.emplace(caps, caps + slots_);
            if (slots_ == 0) return matched;  // any match will do
            break;
          }
          case Op::kChar:
            step = cur == inst.c;
            break;
          case Op::kAny:
            step = cur >= 0 && cur != '\n';
            break;
          case Op::kClass:
            step = cur >= 0 && prog_.classes[inst.x].contains(static_cast<uint32_t>(cur));
            break;
          default:
            break;  // non-consuming instructions were followed by add()
        }
        if (inst.op == Op::kMatch) break;  // lower-priority threads lose
        if (step) {
          std::copy_n(clist_.caps(pc), slots_, scratch_.begin());
          add(nlist_, pc + 1, pos + len, cur, peek_after(pos + len));
        }
      }
      std::swap(clist_, nlist_);
      nlist_.clear();
      if (cur < 0) break;
      prev = cur;
      pos += len;
    }
    return matched;
  }

 private:
  int64_t peek_after(size_t pos) const {
    if (pos >= text_.size()) return -1;
    size_t len = 0;
    return int64_t{decode_utf8(text_, pos, len)};
  }

  // Follows every non-consuming instruction from `pc0` at text position
  // `pos` (`prev`, `cur`: the code points around it, -1 past an end) and
  // puts the threads that reach a consuming one or kMatch on `list`, with
  // captures taken from scratch_. An explicit stack, not recursion: a long
  // chain of splits must not exhaust a guest's small stack.
  void add(ThreadList& list, uint32_t pc0, size_t pos, int64_t prev, int64_t cur) {
    stack_.clear();
    stack_.push_back({pc0, -1, 0});
    while (!stack_.empty()) {
      const Job job = stack_.back();
      stack_.pop_back();
      if (job.restore_slot >= 0) {
        scratch_[static_cast<size_t>(job.restore_slot)] = job.value;
        continue;
      }
      const uint32_t pc = job.pc;
      if (list.contains(pc)) continue;
      list.insert(pc);
      const Inst& inst = prog_.insts[pc];
      switch (inst.op) {
        case Op::kJmp:
          stack_.push_back({inst.x, -1, 0});
          break;
        case Op::kSplit:
          stack_.push_back({inst.y, -1, 0});
          stack_.push_back({inst.x, -1, 0});
          break;
        case Op::kSave:
          if (inst.x < slots_) {
            stack_.push_back({0, inst.x, scratch_[inst.x]});
            scratch_[inst.x] = static_cast<int64_t>(pos);
          }
          stack_.push_back({pc + 1, -1, 0});
          break;
        case Op::kBegin:
          if (pos == 0) stack_.push_back({pc + 1, -1, 0});
          break;
        case Op::kEnd:
          if (pos == text_.size()) stack_.push_back({pc + 1, -1, 0});
          break;
        case Op::kWordB:
        case Op::kNotWordB:
          if ((is_word(prev) != is_word(cur)) == (inst.op == Op::kWordB)) {
            stack_.push_back({pc + 1, -1, 0});
          }
          break;
        default:  // consuming or kMatch: a thread
          std::copy_n(scratch_.begin(), slots_, list.caps(pc));
          break;
      }
    }
  }

  // A pending step of add(): follow `pc`, or (restore_slot >= 0) undo a
  // capture once the branch that set it is done.
  struct Job {
    uint32_t pc;
    int64_t restore_slot;
    int64_t value;
  };

  const Program& prog_;
  size_t start_;
  std::string_view text_;
  size_t slots_;
  ThreadList clist_;
  ThreadList nlist_;
  std::vector<int64_t> scratch_;
  std::vector<Job> stack_;
};

}  // namespace

std::optional<std::vector<int64_t>> pike_search(const Program& program, std::string_view text,
                                                size_t start, bool want_groups) {
  return Vm(program, text, start, want_groups).run();
}

}  // namespace rapidbyte::regex
