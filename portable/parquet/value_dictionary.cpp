#include "portable/parquet/value_dictionary.hpp"

namespace rapidbyte::parquet {

uint32_t ValueDictionary::index_of(std::span<const uint8_t> plain) {
  const std::string_view key(reinterpret_cast<const char*>(plain.data()), plain.size());
  if (auto it = indices_.find(key); it != indices_.end()) return it->second;
  const uint32_t index = size();
  indices_.emplace(std::string(key), index);
  encoded_.insert(encoded_.end(), plain.begin(), plain.end());
  return index;
}

void ValueDictionary::clear() {
  indices_.clear();
  encoded_.clear();
}

}  // namespace rapidbyte::parquet
