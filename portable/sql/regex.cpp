#include "portable/sql/regex.hpp"

namespace rapidbyte::sql {

namespace {
uint8_t fold(uint8_t c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<uint8_t>(c - 'A' + 'a') : c;
}
}  // namespace

// Parses the pattern into an AST-free program by recursive descent: each
// parse function emits code for its piece; quantifiers re-emit the piece.
class RegexCompiler {
 public:
  RegexCompiler(std::string_view p, bool icase) : p_(p), icase_(icase) {}

  Result<Regex> run() {
    Regex re;
    re.icase_ = icase_;
    // Unanchored search: a lazy .* prefix.
    Piece body;
    auto alt = alternation(body);
    if (!alt) return std::unexpected(alt.error());
    if (pos_ < p_.size()) return fail("unmatched )");
    std::vector<Inst> prog;
    prog.push_back({Op::kSplit, 0, 3, 1});
    prog.push_back({Op::kAny, 0, 0, 0});
    prog.push_back({Op::kJump, 0, 0, 0});
    prog.push_back({Op::kSave, 0, 0, 0});
    append(prog, body.code);
    prog.push_back({Op::kSave, 0, 1, 0});
    prog.push_back({Op::kMatch, 0, 0, 0});
    re.program_ = std::move(prog);
    re.classes_ = std::move(classes_);
    re.groups_ = groups_;
    return re;
  }

 private:
  using Op = Regex::Op;
  using Inst = Regex::Inst;
  struct Piece {
    std::vector<Inst> code;  // jump targets relative to the piece's start
  };

  std::unexpected<SqlError> fail(const std::string& what) const {
    return std::unexpected(
        SqlError{ErrorKind::kData,
                 "invalid regular expression: " + what + " at offset " + std::to_string(pos_),
                 -1,
                 -1,
                 {}});
  }

  // Appends `code` (relative targets) to `out`, relocating its targets.
  static void append(std::vector<Inst>& out, const std::vector<Inst>& code) {
    const int base = static_cast<int>(out.size());
    for (Inst in : code) {
      if (in.op == Op::kJump || in.op == Op::kSplit) {
        in.x += base;
        in.y += base;
      }
      out.push_back(in);
    }
  }

  Result<void> alternation(Piece& out) {
    Piece first;
    if (auto r = sequence(first); !r) return r;
    if (pos_ >= p_.size() || p_[pos_] != '|') {
      out = std::move(first);
      return {};
    }
    ++pos_;
    Piece rest;
    if (auto r = alternation(rest); !r) return r;
    // split L1, L2; L1: first; jmp end; L2: rest; end:
    const int n1 = static_cast<int>(first.code.size());
    const int n2 = static_cast<int>(rest.code.size());
    out.code.push_back({Op::kSplit, 0, 1, n1 + 2});
    append(out.code, first.code);
    out.code.push_back({Op::kJump, 0, n1 + 2 + n2, 0});
    append(out.code, rest.code);
    return {};
  }

  Result<void> sequence(Piece& out) {
    while (pos_ < p_.size() && p_[pos_] != '|' && p_[pos_] != ')') {
      Piece atom_piece;
      if (auto r = atom(atom_piece); !r) return r;
      if (auto r = quantified(atom_piece); !r) return r;
      append(out.code, atom_piece.code);
    }
    return {};
  }

  static Piece star(const Piece& a, bool lazy) {
    Piece out;
    const int n = static_cast<int>(a.code.size());
    out.code.push_back(lazy ? Inst{Op::kSplit, 0, n + 2, 1} : Inst{Op::kSplit, 0, 1, n + 2});
    append(out.code, a.code);
    out.code.push_back({Op::kJump, 0, 0, 0});
    return out;
  }
  static Piece optional(const Piece& a, bool lazy) {
    Piece out;
    const int n = static_cast<int>(a.code.size());
    out.code.push_back(lazy ? Inst{Op::kSplit, 0, n + 1, 1} : Inst{Op::kSplit, 0, 1, n + 1});
    append(out.code, a.code);
    return out;
  }

  Result<void> quantified(Piece& a) {
    if (pos_ >= p_.size()) return {};
    const char q = p_[pos_];
    int lo = 0, hi = -1;
    if (q == '*') {
      lo = 0;
    } else if (q == '+') {
      lo = 1;
    } else if (q == '?') {
      lo = 0;
      hi = 1;
    } else if (q == '{') {
      size_t i = pos_ + 1;
      auto number = [&](int& v) {
        const size_t s = i;
        v = 0;
        while (i < p_.size() && p_[i] >= '0' && p_[i] <= '9' && v < 1000)
          v = v * 10 + (p_[i++] - '0');
        return i > s;
      };
      if (!number(lo)) return {};  // a literal {
      hi = lo;
      if (i < p_.size() && p_[i] == ',') {
        ++i;
        if (!number(hi)) hi = -1;
      }
      if (i >= p_.size() || p_[i] != '}') return fail("bad {} quantifier");
      if (lo > 255 || hi > 255 || (hi >= 0 && hi < lo)) return fail("bad repetition count");
      pos_ = i;
    } else {
      return {};
    }
    ++pos_;
    const bool lazy = pos_ < p_.size() && p_[pos_] == '?';
    if (lazy) ++pos_;
    Piece out;
    for (int k = 0; k < lo; ++k) append(out.code, a.code);
    if (hi < 0) {
      append(out.code, star(a, lazy).code);
    } else {
      for (int k = lo; k < hi; ++k) append(out.code, optional(a, lazy).code);
    }
    if (out.code.size() > 100000) return fail("pattern too large");
    a = std::move(out);
    return quantified(a);  // e.g. a** is allowed
  }

  int add_class(std::vector<bool> flags) {
    if (icase_) {
      for (int c = 'a'; c <= 'z'; ++c) {
        const bool any = flags[static_cast<size_t>(c)] || flags[static_cast<size_t>(c - 'a' + 'A')];
        flags[static_cast<size_t>(c)] = flags[static_cast<size_t>(c - 'a' + 'A')] = any;
      }
    }
    classes_.push_back(std::move(flags));
    return static_cast<int>(classes_.size()) - 1;
  }

  static void add_escape_class(char e, std::vector<bool>& f) {
    auto set = [&](auto pred, bool negate) {
      for (int c = 0; c < 256; ++c) {
        if (pred(c) != negate) f[static_cast<size_t>(c)] = true;
      }
    };
    auto digit = [](int c) { return c >= '0' && c <= '9'; };
    auto word = [](int c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    };
    auto space = [](int c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
    switch (e) {
      case 'd':
        set(digit, false);
        break;
      case 'D':
        set(digit, true);
        break;
      case 'w':
        set(word, false);
        break;
      case 'W':
        set(word, true);
        break;
      case 's':
        set(space, false);
        break;
      case 'S':
        set(space, true);
        break;
      default:
        break;
    }
  }

  static bool is_class_escape(char e) {
    return e == 'd' || e == 'D' || e == 'w' || e == 'W' || e == 's' || e == 'S';
  }
  static char escaped_literal(char e) {
    return e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
  }

  Result<void> atom(Piece& out) {
    const char c = p_[pos_++];
    switch (c) {
      case '(': {
        bool capture = true;
        if (p_.substr(pos_, 2) == "?:") {
          capture = false;
          pos_ += 2;
        }
        const int group = capture ? ++groups_ : 0;
        Piece inner;
        if (++depth_ > 100) return fail("groups nested too deeply");
        if (auto r = alternation(inner); !r) return r;
        --depth_;
        if (pos_ >= p_.size() || p_[pos_] != ')') return fail("missing )");
        ++pos_;
        if (capture) out.code.push_back({Op::kSave, 0, 2 * group, 0});
        append(out.code, inner.code);
        if (capture) out.code.push_back({Op::kSave, 0, 2 * group + 1, 0});
        return {};
      }
      case '.':
        out.code.push_back({Op::kAny, 0, 0, 0});
        return {};
      case '^':
        out.code.push_back({Op::kBol, 0, 0, 0});
        return {};
      case '$':
        out.code.push_back({Op::kEol, 0, 0, 0});
        return {};
      case '*':
      case '+':
      case '?':
        return fail("quantifier without operand");
      case '[':
        return bracket(out);
      case '\\': {
        if (pos_ >= p_.size()) return fail("trailing backslash");
        const char e = p_[pos_++];
        if (is_class_escape(e)) {
          std::vector<bool> f(256, false);
          add_escape_class(e, f);
          out.code.push_back({Op::kClass, 0, add_class(std::move(f)), 0});
          return {};
        }
        out.code.push_back({Op::kByte, fold_if(escaped_literal(e)), 0, 0});
        return {};
      }
      default:
        out.code.push_back({Op::kByte, fold_if(c), 0, 0});
        return {};
    }
  }

  uint8_t fold_if(char c) const {
    return icase_ ? fold(static_cast<uint8_t>(c)) : static_cast<uint8_t>(c);
  }

  Result<void> bracket(Piece& out) {
    std::vector<bool> f(256, false);
    bool negate = false;
    if (pos_ < p_.size() && p_[pos_] == '^') {
      negate = true;
      ++pos_;
    }
    bool first = true;
    while (pos_ < p_.size() && (p_[pos_] != ']' || first)) {
      first = false;
      char c = p_[pos_++];
      if (c == '[' && pos_ < p_.size() && p_[pos_] == ':') {
        const size_t end = p_.find(":]", pos_);
        if (end == std::string_view::npos) return fail("bad character class");
        const std::string_view name = p_.substr(pos_ + 1, end - pos_ - 1);
        pos_ = end + 2;
        const char e = name == "digit"                     ? 'd'
                       : name == "space"                   ? 's'
                       : name == "alnum" || name == "word" ? 'w'
                                                           : 0;
        if (e) {
          add_escape_class(e, f);
        } else if (name == "alpha" || name == "upper" || name == "lower") {
          for (int k = 0; k < 26; ++k) {
            if (name != "lower") f[static_cast<size_t>('A' + k)] = true;
            if (name != "upper") f[static_cast<size_t>('a' + k)] = true;
          }
        } else {
          return fail("unknown character class [:" + std::string(name) + ":]");
        }
        continue;
      }
      if (c == '\\' && pos_ < p_.size()) {
        const char e = p_[pos_++];
        if (is_class_escape(e)) {
          add_escape_class(e, f);
          continue;
        }
        c = escaped_literal(e);
      }
      char hi = c;
      if (pos_ + 1 < p_.size() && p_[pos_] == '-' && p_[pos_ + 1] != ']') {
        hi = p_[pos_ + 1];
        if (hi == '\\' && pos_ + 2 < p_.size()) {
          hi = escaped_literal(p_[pos_ + 2]);
          ++pos_;
        }
        pos_ += 2;
        if (static_cast<uint8_t>(hi) < static_cast<uint8_t>(c)) return fail("invalid range in []");
      }
      for (int k = static_cast<uint8_t>(c); k <= static_cast<uint8_t>(hi); ++k)
        f[static_cast<size_t>(k)] = true;
    }
    if (pos_ >= p_.size()) return fail("missing ]");
    ++pos_;
    if (negate) {
      if (icase_) {
        // Fold first so that negation covers both cases.
        for (int k = 'a'; k <= 'z'; ++k) {
          const bool any = f[static_cast<size_t>(k)] || f[static_cast<size_t>(k - 'a' + 'A')];
          f[static_cast<size_t>(k)] = f[static_cast<size_t>(k - 'a' + 'A')] = any;
        }
      }
      for (size_t k = 0; k < 256; ++k) f[k] = !f[k];
    }
    out.code.push_back({Op::kClass, 0, add_class(std::move(f)), 0});
    return {};
  }

  std::string_view p_;
  bool icase_;
  size_t pos_ = 0;
  int groups_ = 0;
  int depth_ = 0;
  std::vector<std::vector<bool>> classes_;
};

Result<Regex> Regex::compile(std::string_view pattern, bool case_insensitive) {
  return RegexCompiler(pattern, case_insensitive).run();
}

std::optional<Regex::Match> Regex::search(std::string_view text, size_t start) const {
  const int nslots = 2 * (groups_ + 1);
  struct Thread {
    int pc;
    std::vector<int64_t> caps;
  };
  const size_t n = program_.size();
  std::vector<Thread> clist, nlist;
  std::vector<size_t> seen(n, SIZE_MAX);
  std::optional<Match> best;

  // Follows jumps, splits and saves from `pc` at text position `sp`, adding
  // the threads that wait on a byte to `list` in priority order.
  auto add = [&](auto& self, std::vector<Thread>& list, int pc, std::vector<int64_t> caps,
                 size_t sp) -> void {
    if (seen[static_cast<size_t>(pc)] == sp) return;
    seen[static_cast<size_t>(pc)] = sp;
    const Inst& in = program_[static_cast<size_t>(pc)];
    switch (in.op) {
      case Op::kJump:
        self(self, list, in.x, std::move(caps), sp);
        return;
      case Op::kSplit:
        self(self, list, in.x, caps, sp);
        self(self, list, in.y, std::move(caps), sp);
        return;
      case Op::kSave:
        caps[static_cast<size_t>(in.x)] = static_cast<int64_t>(sp);
        self(self, list, pc + 1, std::move(caps), sp);
        return;
      case Op::kBol:
        if (sp == 0) self(self, list, pc + 1, std::move(caps), sp);
        return;
      case Op::kEol:
        if (sp == text.size()) self(self, list, pc + 1, std::move(caps), sp);
        return;
      default:
        list.push_back({pc, std::move(caps)});
    }
  };

  // The unanchored prefix lets a match begin anywhere from `start`.
  add(add, clist, 0, std::vector<int64_t>(static_cast<size_t>(nslots), -1), start);
  for (size_t sp = start;; ++sp) {
    if (clist.empty()) break;
    nlist.clear();
    const uint8_t raw = sp < text.size() ? static_cast<uint8_t>(text[sp]) : 0;
    const uint8_t c = icase_ ? fold(raw) : raw;
    for (size_t t = 0; t < clist.size(); ++t) {
      Thread& th = clist[t];
      const Inst& in = program_[static_cast<size_t>(th.pc)];
      bool step = false;
      switch (in.op) {
        case Op::kMatch:
          best = Match{th.caps};
          t = clist.size();  // lower-priority threads are cut off
          continue;
        case Op::kByte:
          step = sp < text.size() && c == in.byte;
          break;
        case Op::kAny:
          step = sp < text.size();
          break;
        case Op::kClass:
          step = sp < text.size() && classes_[static_cast<size_t>(in.x)][raw];
          break;
        default:
          break;
      }
      if (step) add(add, nlist, th.pc + 1, std::move(th.caps), sp + 1);
    }
    std::swap(clist, nlist);
    if (sp >= text.size()) {
      for (Thread& th : clist) {
        if (program_[static_cast<size_t>(th.pc)].op == Op::kMatch) {
          best = Match{th.caps};
          break;
        }
      }
      break;
    }
  }
  return best;
}

}  // namespace rapidbyte::sql
