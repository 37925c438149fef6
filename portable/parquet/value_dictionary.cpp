#include "portable/parquet/value_dictionary.hpp"

#include <cstring>

#include "portable/base/mix64.hpp"

namespace rapidbyte::parquet {
namespace {

constexpr size_t kInitialSlots = 1024;

// A fast hash of short byte strings, 8 bytes at a time. Not keyed: values
// chosen to collide slow a chunk's encoding down, nothing else.
uint64_t hash_bytes(std::span<const uint8_t> bytes) {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ (bytes.size() * 0xff51afd7ed558ccdULL);
  size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    h = (h ^ word) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
  }
  uint64_t tail = 0;
  if (i < bytes.size()) std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
  return mix64(h ^ tail);
}

}  // namespace

std::span<const uint8_t> ValueDictionary::entry(uint32_t index) const {
  const size_t begin = starts_[index];
  const size_t end = index + 1 < starts_.size() ? starts_[index + 1] : encoded_.size();
  return {encoded_.data() + begin, end - begin};
}

uint32_t ValueDictionary::index_of(std::span<const uint8_t> plain) {
  if (slots_.empty()) slots_.assign(kInitialSlots, 0);
  const uint64_t hash = hash_bytes(plain);
  const size_t mask = slots_.size() - 1;
  for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const uint32_t occupant = slots_[slot];
    if (occupant == 0) {
      const uint32_t index = size();
      starts_.push_back(static_cast<uint32_t>(encoded_.size()));
      encoded_.insert(encoded_.end(), plain.begin(), plain.end());
      hashes_.push_back(hash);
      slots_[slot] = index + 1;
      if (hashes_.size() * 2 > slots_.size()) rehash(slots_.size() * 2);
      return index;
    }
    const uint32_t index = occupant - 1;
    if (hashes_[index] != hash) continue;
    const std::span<const uint8_t> candidate = entry(index);
    if (candidate.size() == plain.size() &&
        (plain.empty() || std::memcmp(candidate.data(), plain.data(), plain.size()) == 0)) {
      return index;
    }
  }
}

void ValueDictionary::rehash(size_t slots) {
  slots_.assign(slots, 0);
  const size_t mask = slots - 1;
  for (uint32_t index = 0; index < size(); ++index) {
    size_t slot = hashes_[index] & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = index + 1;
  }
}

void ValueDictionary::clear() {
  encoded_.clear();
  starts_.clear();
  hashes_.clear();
  slots_.clear();
}

}  // namespace rapidbyte::parquet
