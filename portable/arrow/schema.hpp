// Schema: the ordered fields of a record batch plus schema-level metadata.
//
// Schemas are immutable once built and are shared by every batch of a
// stream, so they are passed around as std::shared_ptr<const Schema>.
// Thread-safety: immutable, safe to share across threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "portable/arrow/field.hpp"
#include "portable/arrow/key_value_metadata.hpp"

namespace rapidbyte::arrow {

class Schema {
 public:
  explicit Schema(std::vector<Field> fields, KeyValueMetadata metadata = {})
      : fields_(std::move(fields)), metadata_(std::move(metadata)) {}

  int num_fields() const { return static_cast<int>(fields_.size()); }
  // REQUIRES: 0 <= i < num_fields().
  const Field& field(int i) const { return fields_[static_cast<size_t>(i)]; }
  const std::vector<Field>& fields() const { return fields_; }
  const KeyValueMetadata& metadata() const { return metadata_; }

  // Index of the first field named `name`, or -1.
  int field_index(std::string_view name) const {
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (fields_[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }

  // One line per field, "name: type[ not null]".
  std::string to_string() const {
    std::string out;
    for (const Field& f : fields_) {
      if (!out.empty()) out += '\n';
      out += f.to_string();
    }
    return out;
  }

  bool operator==(const Schema&) const = default;

 private:
  std::vector<Field> fields_;
  KeyValueMetadata metadata_;
};

inline std::shared_ptr<const Schema> make_schema(std::vector<Field> fields,
                                                 KeyValueMetadata metadata = {}) {
  return std::make_shared<const Schema>(std::move(fields), std::move(metadata));
}

}  // namespace rapidbyte::arrow
