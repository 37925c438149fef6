#include "portable/arrow/extension_type.hpp"

#include <utility>

namespace rapidbyte::arrow {

Field extension_field(std::string name, DataType storage, std::string_view extension_name,
                      bool nullable) {
  KeyValueMetadata metadata;
  metadata.set(std::string(kExtensionNameKey), std::string(extension_name));
  metadata.set(std::string(kExtensionMetadataKey), "");
  return field(std::move(name), std::move(storage), nullable, std::move(metadata));
}

Field uuid_field(std::string name, bool nullable) {
  return extension_field(std::move(name), fixed_size_binary(16), kUuidExtensionName, nullable);
}

Field json_field(std::string name, bool nullable) {
  return extension_field(std::move(name), utf8(), kJsonExtensionName, nullable);
}

std::optional<std::string_view> extension_name(const Field& field) {
  return field.metadata.get(kExtensionNameKey);
}

bool is_uuid(const Field& field) {
  return extension_name(field) == kUuidExtensionName && field.type == fixed_size_binary(16);
}

bool is_json(const Field& field) {
  const TypeId id = field.type.id();
  return extension_name(field) == kJsonExtensionName &&
         (id == TypeId::kUtf8 || id == TypeId::kLargeUtf8);
}

}  // namespace rapidbyte::arrow
