// Field: one named, typed column of a Schema, with its nullability and its
// own key/value metadata. A plain value; thread-compatible.
#pragma once

#include <string>
#include <utility>

#include "portable/arrow/key_value_metadata.hpp"
#include "portable/arrow/type.hpp"

namespace rapidbyte::arrow {

struct Field {
  std::string name;
  DataType type;
  bool nullable = true;
  KeyValueMetadata metadata;

  // "name: type" plus " not null" when not nullable.
  std::string to_string() const {
    std::string out = name + ": " + type.to_string();
    if (!nullable) out += " not null";
    return out;
  }

  bool operator==(const Field&) const = default;
};

inline Field field(std::string name, DataType type, bool nullable = true,
                   KeyValueMetadata metadata = {}) {
  return Field{std::move(name), std::move(type), nullable, std::move(metadata)};
}

}  // namespace rapidbyte::arrow
