// Extension types: Arrow's way of giving a storage type a logical meaning
// through two field metadata keys, ARROW:extension:name and
// ARROW:extension:metadata. Rapidbyte uses two canonical ones:
//   arrow.uuid  on fixed_size_binary(16)   (PostgreSQL uuid)
//   arrow.json  on utf8 or large_utf8      (PostgreSQL json/jsonb)
// The helpers make such fields and recognise them; other readers (pyarrow)
// see the same canonical extension types. Plain functions over values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "portable/arrow/field.hpp"

namespace rapidbyte::arrow {

inline constexpr std::string_view kExtensionNameKey = "ARROW:extension:name";
inline constexpr std::string_view kExtensionMetadataKey = "ARROW:extension:metadata";
inline constexpr std::string_view kUuidExtensionName = "arrow.uuid";
inline constexpr std::string_view kJsonExtensionName = "arrow.json";

// `storage` tagged as extension `name` (with empty extension metadata).
Field extension_field(std::string name, DataType storage, std::string_view extension_name,
                      bool nullable = true);

// A fixed_size_binary(16) field tagged arrow.uuid.
Field uuid_field(std::string name, bool nullable = true);
// A utf8 field tagged arrow.json.
Field json_field(std::string name, bool nullable = true);

// The field's extension name, or nullopt for a plain field.
std::optional<std::string_view> extension_name(const Field& field);

// True for an arrow.uuid field whose storage is fixed_size_binary(16).
bool is_uuid(const Field& field);
// True for an arrow.json field whose storage is utf8 or large_utf8.
bool is_json(const Field& field);

}  // namespace rapidbyte::arrow
