#include "portable/parquet/schema_mapping.hpp"

#include "portable/arrow/extension_type.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::parquet {

namespace {

using arrow::make_error;
using arrow::TypeId;
using Kind = LogicalType::Kind;

LogicalType logical(Kind kind) {
  return LogicalType{.kind = kind};
}

LogicalType integer(int8_t bits, bool is_signed) {
  return LogicalType{.kind = Kind::kInteger, .bit_width = bits, .is_signed = is_signed};
}

TimeUnit time_unit(arrow::TimeUnit unit) {
  switch (unit) {
    case arrow::TimeUnit::kMilli:
      return TimeUnit::kMillis;
    case arrow::TimeUnit::kMicro:
      return TimeUnit::kMicros;
    default:
      return TimeUnit::kNanos;
  }
}

// Sets the physical type and annotations of a primitive element for `field`.
Result<void> annotate(const arrow::Field& field, SchemaElement& e) {
  const arrow::DataType& type = field.type;
  auto set = [&](PhysicalType physical, std::optional<LogicalType> logical_type = std::nullopt,
                 std::optional<ConvertedType> converted = std::nullopt) {
    e.type = physical;
    e.logical_type = logical_type;
    e.converted_type = converted;
  };
  switch (type.id()) {
    case TypeId::kBool:
      set(PhysicalType::kBoolean);
      return {};
    case TypeId::kInt8:
      set(PhysicalType::kInt32, integer(8, true), ConvertedType::kInt8);
      return {};
    case TypeId::kInt16:
      set(PhysicalType::kInt32, integer(16, true), ConvertedType::kInt16);
      return {};
    case TypeId::kInt32:
      set(PhysicalType::kInt32);
      return {};
    case TypeId::kInt64:
      set(PhysicalType::kInt64);
      return {};
    case TypeId::kUInt8:
      set(PhysicalType::kInt32, integer(8, false), ConvertedType::kUint8);
      return {};
    case TypeId::kUInt16:
      set(PhysicalType::kInt32, integer(16, false), ConvertedType::kUint16);
      return {};
    case TypeId::kUInt32:
      set(PhysicalType::kInt32, integer(32, false), ConvertedType::kUint32);
      return {};
    case TypeId::kUInt64:
      set(PhysicalType::kInt64, integer(64, false), ConvertedType::kUint64);
      return {};
    case TypeId::kFloat32:
      set(PhysicalType::kFloat);
      return {};
    case TypeId::kFloat64:
      set(PhysicalType::kDouble);
      return {};
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8:
      if (arrow::is_json(field)) {
        set(PhysicalType::kByteArray, logical(Kind::kJson), ConvertedType::kJson);
      } else {
        set(PhysicalType::kByteArray, logical(Kind::kString), ConvertedType::kUtf8);
      }
      return {};
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
      set(PhysicalType::kByteArray);
      return {};
    case TypeId::kFixedSizeBinary:
      if (arrow::is_uuid(field)) {
        set(PhysicalType::kFixedLenByteArray, logical(Kind::kUuid));
      } else {
        set(PhysicalType::kFixedLenByteArray);
      }
      e.type_length = type.byte_width();
      return {};
    case TypeId::kDate32:
      set(PhysicalType::kInt32, logical(Kind::kDate), ConvertedType::kDate);
      return {};
    case TypeId::kTimestamp: {
      if (type.unit() == arrow::TimeUnit::kSecond) {
        return make_error("Parquet: field '" + field.name +
                          "': timestamps in seconds are not supported (use ms, us or ns)");
      }
      LogicalType t = logical(Kind::kTimestamp);
      t.adjusted_to_utc = !type.timezone().empty();
      t.unit = time_unit(type.unit());
      std::optional<ConvertedType> converted;
      // The legacy annotation means UTC-adjusted: only for zoned columns.
      if (t.adjusted_to_utc && t.unit == TimeUnit::kMillis)
        converted = ConvertedType::kTimestampMillis;
      if (t.adjusted_to_utc && t.unit == TimeUnit::kMicros)
        converted = ConvertedType::kTimestampMicros;
      set(PhysicalType::kInt64, t, converted);
      return {};
    }
    case TypeId::kTime64: {
      LogicalType t = logical(Kind::kTime);
      t.unit = time_unit(type.unit());
      set(PhysicalType::kInt64, t,
          t.unit == TimeUnit::kMicros ? std::optional(ConvertedType::kTimeMicros) : std::nullopt);
      return {};
    }
    case TypeId::kDuration:
      // Parquet has no duration type: the ticks, as pyarrow stores them.
      set(PhysicalType::kInt64);
      return {};
    case TypeId::kDecimal128: {
      LogicalType t = logical(Kind::kDecimal);
      t.precision = type.precision();
      t.scale = type.scale();
      set(PhysicalType::kFixedLenByteArray, t, ConvertedType::kDecimal);
      e.type_length = decimal_byte_width(type.precision());
      e.precision = type.precision();
      e.scale = type.scale();
      return {};
    }
    case TypeId::kIntervalMonthDayNano:
      // Parquet's INTERVAL holds unsigned months, days and milliseconds:
      // neither negative nor sub-millisecond intervals fit. Arrow's own
      // 16 bytes (months and days int32, nanoseconds int64, little-endian),
      // which the file's ARROW:schema names as month_day_nano_interval.
      set(PhysicalType::kFixedLenByteArray);
      e.type_length = 16;
      return {};
    case TypeId::kNull:
    case TypeId::kList:
      break;
  }
  return make_error("Parquet: field '" + field.name + "' of type " + type.to_string() +
                    " cannot be stored in Parquet");
}

class SchemaBuilder {
 public:
  Result<void> add(const arrow::Field& field, size_t field_index, std::vector<std::string> path,
                   int16_t definition, int16_t repetition) {
    SchemaElement e;
    e.name = field.name;
    e.repetition = field.nullable ? Repetition::kOptional : Repetition::kRequired;
    if (field.nullable) ++definition;
    path.push_back(field.name);
    if (field.type.id() != TypeId::kList) {
      RB_TRY(annotate(field, e));
      out_.leaves.push_back({path, *e.type, e.type_length.value_or(0), definition, repetition,
                             field_index, out_.elements.size()});
      out_.elements.push_back(std::move(e));
      return {};
    }
    // <repetition> group <name> (LIST) { repeated group list { <element> } }
    e.num_children = 1;
    e.converted_type = ConvertedType::kList;
    e.logical_type = logical(Kind::kList);
    out_.elements.push_back(std::move(e));
    SchemaElement list;
    list.name = "list";
    list.repetition = Repetition::kRepeated;
    list.num_children = 1;
    out_.elements.push_back(std::move(list));
    path.emplace_back("list");
    arrow::Field element = field.type.value_field();
    element.name = "element";
    return add(element, field_index, std::move(path), static_cast<int16_t>(definition + 1),
               static_cast<int16_t>(repetition + 1));
  }

  ParquetSchema take() { return std::move(out_); }
  ParquetSchema& out() { return out_; }

 private:
  ParquetSchema out_;
};

}  // namespace

int32_t decimal_byte_width(int32_t precision) {
  // n bytes hold every value of floor((8n - 1) * log10(2)) digits.
  int32_t bytes = 1;
  while (static_cast<int32_t>((8.0 * bytes - 1) * 0.30102999566398120) < precision) ++bytes;
  return bytes;
}

Result<ParquetSchema> parquet_schema_of(const arrow::Schema& schema) {
  SchemaBuilder builder;
  SchemaElement root;
  root.name = "schema";
  root.num_children = schema.num_fields();
  builder.out().elements.push_back(std::move(root));
  for (int i = 0; i < schema.num_fields(); ++i) {
    RB_TRY(builder.add(schema.field(i), static_cast<size_t>(i), {}, 0, 0));
  }
  return builder.take();
}

}  // namespace rapidbyte::parquet
