#include "portable/arrow/ipc_schema.hpp"

#include <string>
#include <utility>
#include <vector>

#include "portable/base/try.hpp"

namespace rapidbyte::arrow::ipc {
namespace fb = org::apache::arrow::flatbuf;
namespace {

// ---- encoding ----------------------------------------------------------------

fb::TimeUnit unit_to_fb(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond:
      return fb::TimeUnit::SECOND;
    case TimeUnit::kMilli:
      return fb::TimeUnit::MILLISECOND;
    case TimeUnit::kMicro:
      return fb::TimeUnit::MICROSECOND;
    case TimeUnit::kNano:
      return fb::TimeUnit::NANOSECOND;
  }
  return fb::TimeUnit::MICROSECOND;
}

// The union tag and table of `type` in Schema.fbs terms.
std::pair<fb::Type, flatbuffers::Offset<void>> type_to_fb(flatbuffers::FlatBufferBuilder& fbb,
                                                          const DataType& type) {
  auto int_type = [&](int bits, bool is_signed) {
    return std::pair{fb::Type::Int, fb::CreateInt(fbb, bits, is_signed).Union()};
  };
  switch (type.id()) {
    case TypeId::kNull:
      return {fb::Type::Null, fb::CreateNull(fbb).Union()};
    case TypeId::kBool:
      return {fb::Type::Bool, fb::CreateBool(fbb).Union()};
    case TypeId::kInt8:
      return int_type(8, true);
    case TypeId::kInt16:
      return int_type(16, true);
    case TypeId::kInt32:
      return int_type(32, true);
    case TypeId::kInt64:
      return int_type(64, true);
    case TypeId::kUInt8:
      return int_type(8, false);
    case TypeId::kUInt16:
      return int_type(16, false);
    case TypeId::kUInt32:
      return int_type(32, false);
    case TypeId::kUInt64:
      return int_type(64, false);
    case TypeId::kFloat32:
      return {fb::Type::FloatingPoint, fb::CreateFloatingPoint(fbb, fb::Precision::SINGLE).Union()};
    case TypeId::kFloat64:
      return {fb::Type::FloatingPoint, fb::CreateFloatingPoint(fbb, fb::Precision::DOUBLE).Union()};
    case TypeId::kUtf8:
      return {fb::Type::Utf8, fb::CreateUtf8(fbb).Union()};
    case TypeId::kBinary:
      return {fb::Type::Binary, fb::CreateBinary(fbb).Union()};
    case TypeId::kLargeUtf8:
      return {fb::Type::LargeUtf8, fb::CreateLargeUtf8(fbb).Union()};
    case TypeId::kLargeBinary:
      return {fb::Type::LargeBinary, fb::CreateLargeBinary(fbb).Union()};
    case TypeId::kFixedSizeBinary:
      return {fb::Type::FixedSizeBinary, fb::CreateFixedSizeBinary(fbb, type.byte_width()).Union()};
    case TypeId::kDate32:
      return {fb::Type::Date, fb::CreateDate(fbb, fb::DateUnit::DAY).Union()};
    case TypeId::kTimestamp: {
      flatbuffers::Offset<flatbuffers::String> tz;
      if (!type.timezone().empty()) tz = fbb.CreateString(type.timezone());
      return {fb::Type::Timestamp, fb::CreateTimestamp(fbb, unit_to_fb(type.unit()), tz).Union()};
    }
    case TypeId::kTime64:
      return {fb::Type::Time, fb::CreateTime(fbb, unit_to_fb(type.unit()), 64).Union()};
    case TypeId::kDuration:
      return {fb::Type::Duration, fb::CreateDuration(fbb, unit_to_fb(type.unit())).Union()};
    case TypeId::kIntervalMonthDayNano:
      return {fb::Type::Interval,
              fb::CreateInterval(fbb, fb::IntervalUnit::MONTH_DAY_NANO).Union()};
    case TypeId::kDecimal128:
      return {fb::Type::Decimal,
              fb::CreateDecimal(fbb, type.precision(), type.scale(), 128).Union()};
    case TypeId::kList:
      return {fb::Type::List, fb::CreateList(fbb).Union()};
  }
  return {fb::Type::Null, fb::CreateNull(fbb).Union()};
}

flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::KeyValue>>> metadata_to_fb(
    flatbuffers::FlatBufferBuilder& fbb, const KeyValueMetadata& metadata) {
  if (metadata.empty()) return 0;
  std::vector<flatbuffers::Offset<fb::KeyValue>> entries;
  entries.reserve(metadata.size());
  for (const auto& [key, value] : metadata) {
    auto k = fbb.CreateString(key);
    auto v = fbb.CreateString(value);
    entries.push_back(fb::CreateKeyValue(fbb, k, v));
  }
  return fbb.CreateVector(entries);
}

flatbuffers::Offset<fb::Field> field_to_fb(flatbuffers::FlatBufferBuilder& fbb, const Field& f) {
  std::vector<flatbuffers::Offset<fb::Field>> children;
  if (f.type.id() == TypeId::kList) children.push_back(field_to_fb(fbb, f.type.value_field()));
  auto child_vec = fbb.CreateVector(children);
  auto name = fbb.CreateString(f.name);
  auto [type_tag, type_table] = type_to_fb(fbb, f.type);
  auto metadata = metadata_to_fb(fbb, f.metadata);
  return fb::CreateField(fbb, name, f.nullable, type_tag, type_table, 0, child_vec, metadata);
}

// ---- decoding ----------------------------------------------------------------

std::string str(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}

KeyValueMetadata metadata_from_fb(
    const flatbuffers::Vector<flatbuffers::Offset<fb::KeyValue>>* entries) {
  KeyValueMetadata out;
  if (entries == nullptr) return out;
  std::vector<KeyValueMetadata::Entry> pairs;
  pairs.reserve(entries->size());
  for (const fb::KeyValue* kv : *entries) {
    if (kv == nullptr) continue;
    pairs.emplace_back(str(kv->key()), str(kv->value()));
  }
  return KeyValueMetadata(std::move(pairs));
}

Result<TimeUnit> unit_from_fb(fb::TimeUnit unit) {
  switch (unit) {
    case fb::TimeUnit::SECOND:
      return TimeUnit::kSecond;
    case fb::TimeUnit::MILLISECOND:
      return TimeUnit::kMilli;
    case fb::TimeUnit::MICROSECOND:
      return TimeUnit::kMicro;
    case fb::TimeUnit::NANOSECOND:
      return TimeUnit::kNano;
  }
  return make_error("unknown time unit " + std::to_string(static_cast<int>(unit)));
}

Result<Field> field_from_fb(const fb::Field& f, int depth);

// The type of `field`; `children` are its already-decoded child fields.
Result<DataType> type_from_fb(const fb::Field& field, std::vector<Field>& children) {
  auto unsupported = [&](const std::string& what) -> Result<DataType> {
    return make_error("field '" + str(field.name()) + "': unsupported Arrow type " + what);
  };
  const size_t expected_children = field.type_type() == fb::Type::List ? 1 : 0;
  if (children.size() != expected_children) {
    return make_error("field '" + str(field.name()) + "': " + std::to_string(children.size()) +
                      " child fields where its type needs " + std::to_string(expected_children));
  }
  switch (field.type_type()) {
    case fb::Type::Null:
      return null();
    case fb::Type::Bool:
      return boolean();
    case fb::Type::Int: {
      const fb::Int* t = field.type_as_Int();
      if (t == nullptr) return unsupported("Int without parameters");
      switch (t->bitWidth()) {
        case 8:
          return t->is_signed() ? int8() : uint8();
        case 16:
          return t->is_signed() ? int16() : uint16();
        case 32:
          return t->is_signed() ? int32() : uint32();
        case 64:
          return t->is_signed() ? int64() : uint64();
        default:
          return unsupported("Int of " + std::to_string(t->bitWidth()) + " bits");
      }
    }
    case fb::Type::FloatingPoint: {
      const fb::FloatingPoint* t = field.type_as_FloatingPoint();
      if (t == nullptr) return unsupported("FloatingPoint without parameters");
      if (t->precision() == fb::Precision::SINGLE) return float32();
      if (t->precision() == fb::Precision::DOUBLE) return float64();
      return unsupported("FloatingPoint of half precision");
    }
    case fb::Type::Utf8:
      return utf8();
    case fb::Type::Binary:
      return binary();
    case fb::Type::LargeUtf8:
      return large_utf8();
    case fb::Type::LargeBinary:
      return large_binary();
    case fb::Type::FixedSizeBinary: {
      const fb::FixedSizeBinary* t = field.type_as_FixedSizeBinary();
      if (t == nullptr || t->byteWidth() < 0) return unsupported("FixedSizeBinary of bad width");
      return fixed_size_binary(t->byteWidth());
    }
    case fb::Type::Date: {
      const fb::Date* t = field.type_as_Date();
      if (t != nullptr && t->unit() == fb::DateUnit::DAY) return date32();
      return unsupported("Date in milliseconds (date64)");
    }
    case fb::Type::Timestamp: {
      const fb::Timestamp* t = field.type_as_Timestamp();
      if (t == nullptr) return unsupported("Timestamp without parameters");
      auto unit = unit_from_fb(t->unit());
      if (!unit) return std::unexpected(unit.error());
      return timestamp(*unit, str(t->timezone()));
    }
    case fb::Type::Time: {
      const fb::Time* t = field.type_as_Time();
      if (t == nullptr || t->bitWidth() != 64 ||
          (t->unit() != fb::TimeUnit::MICROSECOND && t->unit() != fb::TimeUnit::NANOSECOND)) {
        return unsupported("Time other than time64[us] or time64[ns]");
      }
      return time64(t->unit() == fb::TimeUnit::MICROSECOND ? TimeUnit::kMicro : TimeUnit::kNano);
    }
    case fb::Type::Duration: {
      const fb::Duration* t = field.type_as_Duration();
      if (t == nullptr) return unsupported("Duration without parameters");
      auto unit = unit_from_fb(t->unit());
      if (!unit) return std::unexpected(unit.error());
      return duration(*unit);
    }
    case fb::Type::Interval: {
      const fb::Interval* t = field.type_as_Interval();
      if (t == nullptr || t->unit() != fb::IntervalUnit::MONTH_DAY_NANO) {
        return unsupported("Interval other than month_day_nano");
      }
      return month_day_nano_interval();
    }
    case fb::Type::Decimal: {
      const fb::Decimal* t = field.type_as_Decimal();
      if (t == nullptr || t->bitWidth() != 128) return unsupported("Decimal other than 128-bit");
      if (t->precision() < 1 || t->precision() > 38 || t->scale() > t->precision() ||
          t->scale() < -38) {
        return unsupported("decimal128(" + std::to_string(t->precision()) + ", " +
                           std::to_string(t->scale()) + ")");
      }
      return decimal128(t->precision(), t->scale());
    }
    case fb::Type::List:
      return list(std::move(children.front()));
    default: {
      const char* name = fb::EnumNameType(field.type_type());
      return unsupported(name != nullptr && *name != '\0'
                             ? std::string(name)
                             : "#" + std::to_string(static_cast<int>(field.type_type())));
    }
  }
}

Result<Field> field_from_fb(const fb::Field& f, int depth) {
  if (depth > kMaxNestingDepth) {
    return make_error("field '" + str(f.name()) + "': types nested deeper than " +
                      std::to_string(kMaxNestingDepth) + " levels");
  }
  if (f.dictionary() != nullptr) {
    return make_error("field '" + str(f.name()) + "': dictionary-encoded fields are not supported");
  }
  std::vector<Field> children;
  if (f.children() != nullptr) {
    children.reserve(f.children()->size());
    for (const fb::Field* child : *f.children()) {
      if (child == nullptr) return make_error("field '" + str(f.name()) + "' has a missing child");
      RB_ASSIGN_OR_RETURN(auto decoded, field_from_fb(*child, depth + 1));
      children.push_back(std::move(decoded));
    }
  }
  RB_ASSIGN_OR_RETURN(auto type, type_from_fb(f, children));
  return field(str(f.name()), std::move(type), f.nullable(), metadata_from_fb(f.custom_metadata()));
}

}  // namespace

flatbuffers::Offset<fb::Schema> schema_to_fb(flatbuffers::FlatBufferBuilder& fbb,
                                             const Schema& schema) {
  std::vector<flatbuffers::Offset<fb::Field>> fields;
  fields.reserve(schema.fields().size());
  for (const Field& f : schema.fields()) fields.push_back(field_to_fb(fbb, f));
  auto field_vec = fbb.CreateVector(fields);
  auto schema_metadata = metadata_to_fb(fbb, schema.metadata());
  return fb::CreateSchema(fbb, fb::Endianness::Little, field_vec, schema_metadata);
}

Result<std::shared_ptr<const Schema>> schema_from_fb(const fb::Schema& schema) {
  if (schema.endianness() != fb::Endianness::Little) {
    return make_error("big-endian IPC streams are not supported");
  }
  std::vector<Field> fields;
  if (schema.fields() != nullptr) {
    fields.reserve(schema.fields()->size());
    for (const fb::Field* f : *schema.fields()) {
      if (f == nullptr) return make_error("schema has a missing field");
      RB_ASSIGN_OR_RETURN(auto decoded, field_from_fb(*f, 1));
      fields.push_back(std::move(decoded));
    }
  }
  return std::make_shared<const Schema>(std::move(fields),
                                        metadata_from_fb(schema.custom_metadata()));
}

}  // namespace rapidbyte::arrow::ipc
