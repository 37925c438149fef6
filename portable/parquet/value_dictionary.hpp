// The dictionary of a column chunk: its distinct values, PLAIN-encoded, in
// the order they first appeared. Data pages then hold indices into it
// (RLE_DICTIONARY), which is what makes a column of repeated strings small.
//
// index_of runs once per value written, so the table is built for it: open
// addressing over entry numbers, each entry's bytes kept in the encoded
// page itself (no allocation per entry), its hash kept beside it so that a
// probe compares bytes only on an equal hash.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace rapidbyte::parquet {

class ValueDictionary {
 public:
  // The index of the value whose PLAIN encoding is `plain`, added when new.
  uint32_t index_of(std::span<const uint8_t> plain);

  uint32_t size() const { return static_cast<uint32_t>(hashes_.size()); }
  // Every entry's PLAIN encoding, concatenated: the dictionary page's body.
  const std::vector<uint8_t>& encoded() const { return encoded_; }

  void clear();

 private:
  std::span<const uint8_t> entry(uint32_t index) const;
  void rehash(size_t slots);

  std::vector<uint8_t> encoded_;
  std::vector<uint32_t> starts_;  // where each entry's bytes begin in encoded_
  std::vector<uint64_t> hashes_;  // each entry's hash
  std::vector<uint32_t> slots_;   // entry index + 1, or 0 when free; a power of two
};

}  // namespace rapidbyte::parquet
