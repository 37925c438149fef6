#include "portable/parquet/value_dictionary.hpp"

namespace rapidbyte::parquet {

uint32_t ValueDictionary::index_of(std::span<const uint8_t> plain) {
  const auto [it, added] = indices_.try_emplace(
      std::string(reinterpret_cast<const char*>(plain.data()), plain.size()), size());
  if (added) encoded_.insert(encoded_.end(), plain.begin(), plain.end());
  return it->second;
}

void ValueDictionary::clear() {
  indices_.clear();
  encoded_.clear();
}

}  // namespace rapidbyte::parquet
