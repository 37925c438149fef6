// The dictionary of a column chunk: its distinct values, PLAIN-encoded, in
// the order they first appeared. Data pages then hold indices into it
// (RLE_DICTIONARY), which is what makes a column of repeated strings small.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rapidbyte::parquet {

class ValueDictionary {
 public:
  // The index of the value whose PLAIN encoding is `plain`, added when new.
  uint32_t index_of(std::span<const uint8_t> plain);

  uint32_t size() const { return static_cast<uint32_t>(indices_.size()); }
  // Every entry's PLAIN encoding, concatenated: the dictionary page's body.
  const std::vector<uint8_t>& encoded() const { return encoded_; }

  void clear();

 private:
  // Looked up by string_view, so a value already there costs no copy
  // (index_of runs once per value written).
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> indices_;
  std::vector<uint8_t> encoded_;
};

}  // namespace rapidbyte::parquet
