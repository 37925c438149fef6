// Program: the compiled form of a Regex — a flat list of instructions for
// the Pike VM (pike_vm.cpp), in the style of Thompson's construction.
//
// Each thread of the VM is a program counter; consuming instructions (kChar,
// kClass, kAny) advance over one code point, the others are followed at
// once: kSplit forks (x first: its order is the match priority), kJmp jumps,
// kSave records the text position in a capture slot, the assertions test the
// position. Immutable once compiled; shared by every copy of a Regex.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace rapidbyte::regex {

// Code point ranges, inclusive, sorted and non-overlapping after compile.
struct CharClass {
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  bool negated = false;

  bool contains(uint32_t c) const {
    bool in = false;
    for (const auto& [lo, hi] : ranges) {
      if (c < lo) break;
      if (c <= hi) {
        in = true;
        break;
      }
    }
    return in != negated;
  }
};

enum class Op : uint8_t {
  kChar,      // one code point `c`
  kClass,     // one code point in classes[cls]
  kAny,       // any code point but '\n'
  kSplit,     // fork to x (preferred) and y
  kJmp,       // go to x
  kSave,      // capture slot `slot` = current position
  kBegin,     // at the start of the text
  kEnd,       // at the end of the text
  kWordB,     // at an ASCII word boundary
  kNotWordB,  // not at an ASCII word boundary
  kMatch,
};

struct Inst {
  Op op = Op::kMatch;
  uint32_t c = 0;  // kChar
  uint32_t x = 0;  // kSplit, kJmp; kClass: class index; kSave: slot
  uint32_t y = 0;  // kSplit
};

struct Program {
  std::vector<Inst> insts;  // starts at 0
  std::vector<CharClass> classes;
  size_t groups = 0;  // capturing groups, without group 0
};

// Decodes the code point at text[pos]; returns it and sets `len` to its
// length. An invalid or truncated sequence reads as its first byte alone.
inline uint32_t decode_utf8(std::string_view text, size_t pos, size_t& len) {
  const auto b = [&](size_t i) { return static_cast<uint8_t>(text[pos + i]); };
  const uint8_t b0 = b(0);
  const size_t left = text.size() - pos;
  const auto cont = [&](size_t i) { return i < left && (b(i) & 0xC0) == 0x80; };
  if (b0 < 0x80) {
    len = 1;
    return b0;
  }
  if ((b0 & 0xE0) == 0xC0 && b0 >= 0xC2 && cont(1)) {
    len = 2;
    return (uint32_t{b0} & 0x1F) << 6 | (b(1) & 0x3F);
  }
  if ((b0 & 0xF0) == 0xE0 && cont(1) && cont(2)) {
    const uint32_t c = (uint32_t{b0} & 0x0F) << 12 | (uint32_t{b(1)} & 0x3F) << 6 | (b(2) & 0x3F);
    if (c >= 0x800 && (c < 0xD800 || c > 0xDFFF)) {
      len = 3;
      return c;
    }
  }
  if ((b0 & 0xF8) == 0xF0 && cont(1) && cont(2) && cont(3)) {
    const uint32_t c = (uint32_t{b0} & 0x07) << 18 | (uint32_t{b(1)} & 0x3F) << 12 |
                       (uint32_t{b(2)} & 0x3F) << 6 | (b(3) & 0x3F);
    if (c >= 0x10000 && c <= 0x10FFFF) {
      len = 4;
      return c;
    }
  }
  len = 1;
  return b0;
}

}  // namespace rapidbyte::regex
