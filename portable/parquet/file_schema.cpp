#include "portable/parquet/file_schema.hpp"

#include "portable/arrow/extension_type.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/base/try.hpp"
#include "portable/crypto/base64.hpp"

namespace rapidbyte::parquet {

namespace {

using arrow::make_error;
using arrow::TypeId;
using Kind = LogicalType::Kind;

bool has_logical(const SchemaElement& e, Kind kind) {
  return e.logical_type && e.logical_type->kind == kind;
}

bool has_converted(const SchemaElement& e, ConvertedType type) {
  return e.converted_type && *e.converted_type == type;
}

arrow::TimeUnit arrow_unit(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis:
      return arrow::TimeUnit::kMilli;
    case TimeUnit::kMicros:
      return arrow::TimeUnit::kMicro;
    case TimeUnit::kNanos:
      return arrow::TimeUnit::kNano;
  }
  return arrow::TimeUnit::kMicro;
}

// The Arrow field of a primitive column.
Result<arrow::Field> primitive_field(const SchemaElement& e, bool nullable) {
  const std::string& name = e.name;
  auto plain = [&](arrow::DataType type) { return arrow::field(name, std::move(type), nullable); };
  const bool decimal = has_logical(e, Kind::kDecimal) || has_converted(e, ConvertedType::kDecimal);
  if (decimal) {
    const int32_t precision = e.logical_type ? e.logical_type->precision : e.precision.value_or(0);
    const int32_t scale = e.logical_type ? e.logical_type->scale : e.scale.value_or(0);
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      return make_error("Parquet: column '" + name + "' is a decimal(" + std::to_string(precision) +
                        ", " + std::to_string(scale) + "), which decimal128 cannot hold");
    }
    return plain(arrow::decimal128(precision, scale));
  }
  switch (*e.type) {
    case PhysicalType::kBoolean:
      return plain(arrow::boolean());
    case PhysicalType::kInt32: {
      if (has_logical(e, Kind::kDate) || has_converted(e, ConvertedType::kDate)) {
        return plain(arrow::date32());
      }
      if (has_logical(e, Kind::kTime) || has_converted(e, ConvertedType::kTimeMillis)) {
        return plain(arrow::time64(arrow::TimeUnit::kMicro));  // milliseconds, widened
      }
      int bits = 32;
      bool is_signed = true;
      if (has_logical(e, Kind::kInteger)) {
        bits = static_cast<uint8_t>(e.logical_type->bit_width);
        is_signed = e.logical_type->is_signed;
      } else if (e.converted_type) {
        switch (*e.converted_type) {
          case ConvertedType::kInt8:
            bits = 8;
            break;
          case ConvertedType::kInt16:
            bits = 16;
            break;
          case ConvertedType::kUint8:
            bits = 8, is_signed = false;
            break;
          case ConvertedType::kUint16:
            bits = 16, is_signed = false;
            break;
          case ConvertedType::kUint32:
            is_signed = false;
            break;
          default:
            break;
        }
      }
      if (bits == 8) return plain(is_signed ? arrow::int8() : arrow::uint8());
      if (bits == 16) return plain(is_signed ? arrow::int16() : arrow::uint16());
      return plain(is_signed ? arrow::int32() : arrow::uint32());
    }
    case PhysicalType::kInt64: {
      if (has_logical(e, Kind::kTimestamp)) {
        return plain(arrow::timestamp(arrow_unit(e.logical_type->unit),
                                      e.logical_type->adjusted_to_utc ? "UTC" : ""));
      }
      if (has_converted(e, ConvertedType::kTimestampMillis)) {
        return plain(arrow::timestamp(arrow::TimeUnit::kMilli, "UTC"));
      }
      if (has_converted(e, ConvertedType::kTimestampMicros)) {
        return plain(arrow::timestamp(arrow::TimeUnit::kMicro, "UTC"));
      }
      if (has_logical(e, Kind::kTime)) {
        if (e.logical_type->unit == TimeUnit::kMillis) {
          return make_error("Parquet: column '" + name + "' is an INT64 time in milliseconds");
        }
        return plain(arrow::time64(arrow_unit(e.logical_type->unit)));
      }
      if (has_converted(e, ConvertedType::kTimeMicros)) {
        return plain(arrow::time64(arrow::TimeUnit::kMicro));
      }
      const bool is_unsigned = (has_logical(e, Kind::kInteger) && !e.logical_type->is_signed) ||
                               has_converted(e, ConvertedType::kUint64);
      return plain(is_unsigned ? arrow::uint64() : arrow::int64());
    }
    case PhysicalType::kFloat:
      return plain(arrow::float32());
    case PhysicalType::kDouble:
      return plain(arrow::float64());
    case PhysicalType::kByteArray:
      if (has_logical(e, Kind::kJson) || has_converted(e, ConvertedType::kJson)) {
        return arrow::json_field(name, nullable);
      }
      if (has_logical(e, Kind::kString) || has_logical(e, Kind::kEnum) ||
          has_converted(e, ConvertedType::kUtf8)) {
        return plain(arrow::utf8());
      }
      return plain(arrow::binary());
    case PhysicalType::kFixedLenByteArray: {
      const int32_t width = e.type_length.value_or(-1);
      if (width < 0) return make_error("Parquet: column '" + name + "' has no type_length");
      if (has_logical(e, Kind::kUuid) && width == 16) return arrow::uuid_field(name, nullable);
      return plain(arrow::fixed_size_binary(width));
    }
    case PhysicalType::kInt96:
      // The legacy timestamp of Impala and Spark: nanoseconds, as pyarrow
      // reads it.
      return plain(arrow::timestamp(arrow::TimeUnit::kNano));
  }
  return make_error("Parquet: column '" + name + "' has an unknown physical type " +
                    std::to_string(static_cast<int>(*e.type)));
}

class SchemaWalker {
 public:
  explicit SchemaWalker(const std::vector<SchemaElement>& elements) : elements_(elements) {}

  Result<FileSchema> walk() {
    if (elements_.empty()) return make_error("Parquet: the file has no schema");
    const int32_t children = elements_[0].num_children.value_or(0);
    if (children < 0) return make_error("Parquet: the schema's root has a negative child count");
    std::vector<arrow::Field> fields;
    for (int32_t i = 0; i < children; ++i) {
      RB_ASSIGN_OR_RETURN(arrow::Field f, top_level_field(fields.size()));
      fields.push_back(std::move(f));
    }
    if (pos_ != elements_.size()) {
      return make_error("Parquet: the schema has " + std::to_string(elements_.size() - pos_) +
                        " elements outside its root");
    }
    out_.arrow = std::make_shared<const arrow::Schema>(std::move(fields));
    return std::move(out_);
  }

 private:
  Result<const SchemaElement*> next() {
    if (pos_ >= elements_.size()) return make_error("Parquet: the schema ends inside a group");
    return &elements_[pos_++];
  }

  void add_leaf(const SchemaElement& e, std::vector<std::string> path, int16_t definition,
                int16_t repetition, size_t field_index) {
    out_.leaves.push_back({std::move(path), *e.type, e.type_length.value_or(0), definition,
                           repetition, field_index, pos_ - 1});
  }

  Result<arrow::Field> top_level_field(size_t field_index) {
    RB_ASSIGN_OR_RETURN(const SchemaElement* e, next());
    const Repetition repetition = e->repetition.value_or(Repetition::kRequired);
    const bool optional = repetition == Repetition::kOptional;
    if (e->type) {
      if (repetition == Repetition::kRepeated) {
        // A repeated primitive: a list of required elements (legacy form).
        add_leaf(*e, {e->name}, 1, 1, field_index);
        RB_ASSIGN_OR_RETURN(arrow::Field element, primitive_field(*e, false));
        element.name = "element";
        return arrow::field(e->name, arrow::list(std::move(element)), false);
      }
      add_leaf(*e, {e->name}, optional ? 1 : 0, 0, field_index);
      return primitive_field(*e, optional);
    }
    const bool list = has_logical(*e, Kind::kList) || has_converted(*e, ConvertedType::kList);
    if (!list || e->num_children.value_or(0) != 1) {
      return make_error("Parquet: column '" + e->name +
                        "' is a group (a struct or map), which is not read");
    }
    RB_ASSIGN_OR_RETURN(const SchemaElement* repeated, next());
    if (repeated->repetition.value_or(Repetition::kRequired) != Repetition::kRepeated) {
      return make_error("Parquet: list column '" + e->name + "' has no repeated child");
    }
    const auto base = static_cast<int16_t>((optional ? 1 : 0) + 1);
    if (repeated->type) {
      // Two-level form: the repeated field is the element itself.
      add_leaf(*repeated, {e->name, repeated->name}, base, 1, field_index);
      RB_ASSIGN_OR_RETURN(arrow::Field element, primitive_field(*repeated, false));
      element.name = "element";
      return arrow::field(e->name, arrow::list(std::move(element)), optional);
    }
    if (repeated->num_children.value_or(0) != 1) {
      return make_error("Parquet: list column '" + e->name +
                        "' holds groups (structs), which are not read");
    }
    RB_ASSIGN_OR_RETURN(const SchemaElement* element, next());
    if (!element->type) {
      return make_error("Parquet: list column '" + e->name +
                        "' holds lists or groups, which are not read");
    }
    const bool element_optional =
        element->repetition.value_or(Repetition::kRequired) == Repetition::kOptional;
    add_leaf(*element, {e->name, repeated->name, element->name},
             static_cast<int16_t>(base + (element_optional ? 1 : 0)), 1, field_index);
    RB_ASSIGN_OR_RETURN(arrow::Field item, primitive_field(*element, element_optional));
    item.name = "element";
    return arrow::field(e->name, arrow::list(std::move(item)), optional);
  }

  const std::vector<SchemaElement>& elements_;
  size_t pos_ = 1;
  FileSchema out_;
};

// Whether values stored as `stored` can be read as `wanted` (ARROW:schema's
// type) without loss: the same type, or one the writer had to store another
// way.
bool storage_fits(const arrow::DataType& stored, const arrow::DataType& wanted) {
  if (stored == wanted) return true;
  switch (wanted.id()) {
    case TypeId::kTimestamp:
      return stored.id() == TypeId::kTimestamp && stored.unit() == wanted.unit();
    case TypeId::kLargeUtf8:
      return stored.id() == TypeId::kUtf8;
    case TypeId::kLargeBinary:
      return stored.id() == TypeId::kBinary;
    case TypeId::kDuration:
      return stored.id() == TypeId::kInt64;
    case TypeId::kIntervalMonthDayNano:
      return stored.id() == TypeId::kFixedSizeBinary && stored.byte_width() == 16;
    case TypeId::kList:
      return stored.id() == TypeId::kList && storage_fits(stored.value_type(), wanted.value_type());
    default:
      return false;
  }
}

// The writer's Arrow schema, when the file carries one that decodes.
std::shared_ptr<const arrow::Schema> stored_arrow_schema(const FileMetaData& metadata) {
  for (const KeyValue& kv : metadata.key_value_metadata) {
    if (kv.key != "ARROW:schema" || !kv.value) continue;
    auto bytes = crypto::base64_decode(*kv.value);
    if (!bytes) return nullptr;
    // pyarrow stores the message with or without the stream's end marker.
    bytes->insert(bytes->end(), {0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0});
    auto reader = arrow::IpcStreamReader::open(*bytes);
    return reader ? reader->schema() : nullptr;
  }
  return nullptr;
}

}  // namespace

Result<FileSchema> file_schema_of(const FileMetaData& metadata) {
  RB_ASSIGN_OR_RETURN(FileSchema schema, SchemaWalker(metadata.schema).walk());
  const auto stored = stored_arrow_schema(metadata);
  if (!stored || stored->num_fields() != schema.arrow->num_fields()) return schema;
  std::vector<arrow::Field> fields = schema.arrow->fields();
  std::vector<bool> int96(fields.size(), false);
  for (const LeafColumn& leaf : schema.leaves) {
    if (leaf.physical == PhysicalType::kInt96) int96[leaf.field_index] = true;
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    const arrow::Field& wanted = stored->fields()[i];
    // INT96 timestamps stay zone-naive nanoseconds whatever the writer's
    // schema said (as pyarrow reads them).
    if (wanted.name != fields[i].name || int96[i] || !storage_fits(fields[i].type, wanted.type)) {
      continue;
    }
    fields[i].type = wanted.type;
    fields[i].metadata = wanted.metadata;
  }
  schema.arrow = std::make_shared<const arrow::Schema>(std::move(fields), stored->metadata());
  return schema;
}

}  // namespace rapidbyte::parquet
