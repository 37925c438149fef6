#include "portable/parquet/metadata.hpp"

#include <string_view>

#include "portable/base/try.hpp"
#include "portable/parquet/thrift_compact.hpp"

namespace rapidbyte::parquet {

namespace {

using arrow::make_error;
using thrift::CompactReader;
using thrift::CompactWriter;
using thrift::FieldHeader;
using thrift::Type;

template <class E>
int32_t code(E value) {
  return static_cast<int32_t>(value);
}

// ---- encoding ---------------------------------------------------------------

void encode_logical_type(const LogicalType& t, CompactWriter& w) {
  w.begin_struct(static_cast<int16_t>(t.kind));
  switch (t.kind) {
    case LogicalType::Kind::kDecimal:
      w.field_i32(1, t.scale);
      w.field_i32(2, t.precision);
      break;
    case LogicalType::Kind::kTime:
    case LogicalType::Kind::kTimestamp:
      w.field_bool(1, t.adjusted_to_utc);
      w.begin_struct(2);
      w.begin_struct(static_cast<int16_t>(static_cast<int>(t.unit) + 1));  // MILLIS=1 ...
      w.end_struct();
      w.end_struct();
      break;
    case LogicalType::Kind::kInteger:
      w.field_byte(1, t.bit_width);
      w.field_bool(2, t.is_signed);
      break;
    default:
      break;  // the other members are empty structs
  }
  w.end_struct();
}

void encode_schema_element(const SchemaElement& e, CompactWriter& w) {
  w.begin_struct_element();
  if (e.type) w.field_i32(1, code(*e.type));
  if (e.type_length) w.field_i32(2, *e.type_length);
  if (e.repetition) w.field_i32(3, code(*e.repetition));
  w.field_binary(4, e.name);
  if (e.num_children) w.field_i32(5, *e.num_children);
  if (e.converted_type) w.field_i32(6, code(*e.converted_type));
  if (e.scale) w.field_i32(7, *e.scale);
  if (e.precision) w.field_i32(8, *e.precision);
  if (e.logical_type) {
    w.begin_struct(10);
    encode_logical_type(*e.logical_type, w);
    w.end_struct();
  }
  w.end_struct();
}

void encode_statistics(int16_t id, const Statistics& s, CompactWriter& w) {
  w.begin_struct(id);
  if (s.null_count) w.field_i64(3, *s.null_count);
  if (s.max_value) w.field_binary(5, *s.max_value);
  if (s.min_value) w.field_binary(6, *s.min_value);
  w.end_struct();
}

void encode_column_metadata(const ColumnMetaData& m, CompactWriter& w) {
  w.field_i32(1, code(m.type));
  w.begin_list(2, Type::kI32, static_cast<uint32_t>(m.encodings.size()));
  for (Encoding e : m.encodings) w.i32_element(code(e));
  w.begin_list(3, Type::kBinary, static_cast<uint32_t>(m.path_in_schema.size()));
  for (const auto& part : m.path_in_schema) w.binary_element(part);
  w.field_i32(4, code(m.codec));
  w.field_i64(5, m.num_values);
  w.field_i64(6, m.total_uncompressed_size);
  w.field_i64(7, m.total_compressed_size);
  w.field_i64(9, m.data_page_offset);
  if (m.dictionary_page_offset) w.field_i64(11, *m.dictionary_page_offset);
  if (m.statistics) encode_statistics(12, *m.statistics, w);
}

void encode_row_group(const RowGroup& g, CompactWriter& w) {
  w.begin_struct_element();
  w.begin_list(1, Type::kStruct, static_cast<uint32_t>(g.columns.size()));
  for (const ColumnChunk& c : g.columns) {
    w.begin_struct_element();
    w.field_i64(2, c.file_offset);
    w.begin_struct(3);
    encode_column_metadata(c.meta_data, w);
    w.end_struct();
    w.end_struct();
  }
  w.field_i64(2, g.total_byte_size);
  w.field_i64(3, g.num_rows);
  if (g.file_offset) w.field_i64(5, *g.file_offset);
  if (g.total_compressed_size) w.field_i64(6, *g.total_compressed_size);
  w.end_struct();
}

// ---- decoding ---------------------------------------------------------------

// Reads the fields of one struct, handing each to `on_field` (which returns
// false for a field it does not know, to have it skipped).
template <class OnField>
Result<void> read_struct(CompactReader& r, OnField&& on_field) {
  for (;;) {
    RB_ASSIGN_OR_RETURN(const FieldHeader field, r.next_field());
    if (field.is_stop()) return {};
    RB_ASSIGN_OR_RETURN(const bool known, on_field(field));
    if (!known) RB_TRY(r.skip(field.type));
  }
}

Result<void> expect(const FieldHeader& field, Type type, std::string_view where) {
  if (field.type == type) return {};
  return make_error("Parquet metadata: field " + std::to_string(field.id) + " of " +
                    std::string(where) + " has the wrong type");
}

Result<void> expect_bool(const FieldHeader& field, std::string_view where) {
  if (field.type == Type::kTrue || field.type == Type::kFalse) return {};
  return expect(field, Type::kTrue, where);
}

template <class E>
Result<E> read_enum(CompactReader& r, const FieldHeader& field, std::string_view where) {
  RB_TRY(expect(field, Type::kI32, where));
  RB_ASSIGN_OR_RETURN(const int32_t value, r.read_i32());
  return static_cast<E>(value);
}

Result<int32_t> read_i32(CompactReader& r, const FieldHeader& field, std::string_view where) {
  RB_TRY(expect(field, Type::kI32, where));
  return r.read_i32();
}

Result<int64_t> read_i64(CompactReader& r, const FieldHeader& field, std::string_view where) {
  RB_TRY(expect(field, Type::kI64, where));
  return r.read_i64();
}

Result<std::string> read_string(CompactReader& r, const FieldHeader& field,
                                std::string_view where) {
  RB_TRY(expect(field, Type::kBinary, where));
  RB_ASSIGN_OR_RETURN(const std::string_view value, r.read_binary());
  return std::string(value);
}

// A list of `element`, each read by `read_one`.
template <class ReadOne>
Result<void> read_list(CompactReader& r, const FieldHeader& field, Type element,
                       std::string_view where, ReadOne&& read_one) {
  RB_TRY(expect(field, Type::kList, where));
  RB_ASSIGN_OR_RETURN(const thrift::ListHeader list, r.read_list_header());
  if (list.element != element && list.size > 0) {
    return make_error("Parquet metadata: list field " + std::to_string(field.id) + " of " +
                      std::string(where) + " has elements of the wrong type");
  }
  for (uint32_t i = 0; i < list.size; ++i) RB_TRY(read_one());
  return {};
}

Result<TimeUnit> decode_time_unit(CompactReader& r) {
  std::optional<TimeUnit> unit;
  RB_TRY(read_struct(r, [&](const FieldHeader& f) -> Result<bool> {
    if (f.id < 1 || f.id > 3) return false;
    RB_TRY(expect(f, Type::kStruct, "TimeUnit"));
    RB_TRY(r.skip(Type::kStruct));
    unit = static_cast<TimeUnit>(f.id - 1);
    return true;
  }));
  if (!unit) return make_error("Parquet metadata: a TimeUnit names no unit");
  return *unit;
}

Result<std::optional<LogicalType>> decode_logical_type(CompactReader& r) {
  std::optional<LogicalType> type;
  RB_TRY(read_struct(r, [&](const FieldHeader& f) -> Result<bool> {
    RB_TRY(expect(f, Type::kStruct, "LogicalType"));
    LogicalType t;
    t.kind = static_cast<LogicalType::Kind>(f.id);
    RB_TRY(r.begin_struct());
    RB_TRY(read_struct(r, [&](const FieldHeader& m) -> Result<bool> {
      switch (t.kind) {
        case LogicalType::Kind::kDecimal:
          if (m.id == 1) {
            RB_ASSIGN_OR_RETURN(t.scale, read_i32(r, m, "DecimalType"));
          }
          if (m.id == 2) {
            RB_ASSIGN_OR_RETURN(t.precision, read_i32(r, m, "DecimalType"));
          }
          return m.id == 1 || m.id == 2;
        case LogicalType::Kind::kTime:
        case LogicalType::Kind::kTimestamp:
          if (m.id == 1) {
            RB_TRY(expect_bool(m, "TimestampType"));
            t.adjusted_to_utc = m.type == Type::kTrue;
            return true;
          }
          if (m.id == 2) {
            RB_TRY(expect(m, Type::kStruct, "TimestampType"));
            RB_TRY(r.begin_struct());
            RB_ASSIGN_OR_RETURN(t.unit, decode_time_unit(r));
            return true;
          }
          return false;
        case LogicalType::Kind::kInteger:
          if (m.id == 1) {
            RB_TRY(expect(m, Type::kByte, "IntType"));
            RB_ASSIGN_OR_RETURN(t.bit_width, r.read_byte());
            return true;
          }
          if (m.id == 2) {
            RB_TRY(expect_bool(m, "IntType"));
            t.is_signed = m.type == Type::kTrue;
            return true;
          }
          return false;
        default:
          return false;
      }
    }));
    // A member this library does not know (a newer type) leaves the
    // column without a logical type rather than failing the file.
    const int id = f.id;
    if ((id >= 1 && id <= 8) || (id >= 10 && id <= 15)) type = t;
    return true;
  }));
  return type;
}

Result<SchemaElement> decode_schema_element(CompactReader& r) {
  SchemaElement e;
  bool has_name = false;
  RB_TRY(read_struct(r, [&](const FieldHeader& f) -> Result<bool> {
    constexpr std::string_view kWhere = "SchemaElement";
    switch (f.id) {
      case 1: {
        RB_ASSIGN_OR_RETURN(e.type, read_enum<PhysicalType>(r, f, kWhere));
        return true;
      }
      case 2: {
        RB_ASSIGN_OR_RETURN(e.type_length, read_i32(r, f, kWhere));
        return true;
      }
      case 3: {
        RB_ASSIGN_OR_RETURN(e.repetition, read_enum<Repetition>(r, f, kWhere));
        return true;
      }
      case 4: {
        RB_ASSIGN_OR_RETURN(e.name, read_string(r, f, kWhere));
        has_name = true;
        return true;
      }
      case 5: {
        RB_ASSIGN_OR_RETURN(e.num_children, read_i32(r, f, kWhere));
        return true;
      }
      case 6: {
        RB_ASSIGN_OR_RETURN(e.converted_type, read_enum<ConvertedType>(r, f, kWhere));
        return true;
      }
      case 7: {
        RB_ASSIGN_OR_RETURN(e.scale, read_i32(r, f, kWhere));
        return true;
      }
      case 8: {
        RB_ASSIGN_OR_RETURN(e.precision, read_i32(r, f, kWhere));
        return true;
      }
      case 10: {
        RB_TRY(expect(f, Type::kStruct, kWhere));
        RB_TRY(r.begin_struct());
        RB_ASSIGN_OR_RETURN(e.logical_type, decode_logical_type(r));
        return true;
      }
      default:
        return false;
    }
  }));
  if (!has_name) return make_error("Parquet metadata: a SchemaElement has no name");
  return e;
}

Result<Statistics> decode_statistics(CompactReader& r) {
  Statistics s;
  RB_TRY(read_struct(r, [&](const FieldHeader& f) -> Result<bool> {
    constexpr std::string_view kWhere = "Statistics";
    switch (f.id) {
      case 3: {
        RB_ASSIGN_OR_RETURN(s.null_count, read_i64(r, f, kWhere));
        return true;
      }
      case 5: {
        RB_ASSIGN_OR_RETURN(s.max_value, read_string(r, f, kWhere));
        return true;
      }
      case 6: {
        RB_ASSIGN_OR_RETURN(s.min_value, read_string(r, f, kWhere));
        return true;
      }
      default:
        return false;
    }
  }));
  // The deprecated min and max (fields 1 and 2) order bytes as signed for
  // every type: skipped.
  return s;
}

Result<ColumnMetaData> decode_column_metadata(CompactReader& r) {
  ColumnMetaData m;
  uint32_t seen = 0;
  RB_TRY(read_struct(r, [&](const FieldHeader& f) -> Result<bool> {
    constexpr std::string_view kWhere = "ColumnMetaData";
    if (f.id >= 1 && f.id <= 9) seen |= 1u << f.id;
    switch (f.id) {
      case 1: {
        RB_ASSIGN_OR_RETURN(m.type, read_enum<PhysicalType>(r, f, kWhere));
        return true;
      }
      case 2:
        RB_TRY(read_list(r, f, Type::kI32, kWhere, [&]() -> Result<void> {
          RB_ASSIGN_OR_RETURN(const int32_t e, r.read_i32());
          m.encodings.push_back(static_cast<Encoding>(e));
          return {};
        }));
        return true;
      case 3:
        RB_TRY(read_list(r, f, Type::kBinary, kWhere, [&]() -> Result<void> {
          RB_ASSIGN_OR_RETURN(const std::string_view part, r.read_binary());
          m.path_in_schema.emplace_back(part);
          return {};
        }));
        return true;
      case 4: {
        RB_ASSIGN_OR_RETURN(m.codec, read_enum<Codec>(r, f, kWhere));
        return true;
      }
      case 5: {
        RB_ASSIGN_OR_RETURN(m.num_values, read_i64(r, f, kWhere));
        return true;
      }
      case 6: {
        RB_ASSIGN_OR_RETURN(m.total_uncompressed_size, read_i64(r, f, kWhere));
        return true;
      }
      case 7: {
        RB_ASSIGN_OR_RETURN(m.total_compressed_size, read_i64(r, f, kWhere));
        return true;
      }
      case 9: {
        RB_ASSIGN_OR_RETURN(m.data_page_offset, read_i64(r, f, kWhere));
        return true;
      }
      case 11: {
        RB_ASSIGN_OR_RETURN(m.dictionary_page_offset, read_i64(r, f, kWhere));
        return true;
      }
      case 12: {
        RB_TRY(expect(f, Type::kStruct, kWhere));
        RB_TRY(r.begin_struct());
        RB_ASSIGN_OR_RETURN(m.statistics, decode_statistics(r));
        return true;
      }
      default:
        return false;
    }
  }));
  constexpr uint32_t kRequired =
      (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 9);
  if ((seen & kRequired) != kRequired) {
    return make_error("Parquet metadata: a ColumnMetaData lacks a required field");
  }
  return m;
}

Result<ColumnChunk> decode_column_chunk(CompactReader& r) {
  ColumnChunk c;
  bool has_metadata = false;
  RB_TRY(read_struct(r, [&](const FieldHeader& f) -> Result<bool> {
    if (f.id == 1) return make_error("Parquet: column chunks in other files are not supported");
    if (f.id == 2) {
      RB_ASSIGN_OR_RETURN(c.file_offset, read_i64(r, f, "ColumnChunk"));
      return true;
    }
    if (f.id == 3) {
      RB_TRY(expect(f, Type::kStruct, "ColumnChunk"));
      RB_TRY(r.begin_struct());
      RB_ASSIGN_OR_RETURN(c.meta_data, decode_column_metadata(r));
      has_metadata = true;
      return true;
    }
    return false;
  }));
  if (!has_metadata) return make_error("Parquet metadata: a column chunk has no metadata");
  return c;
}

Result<RowGroup> decode_row_group(CompactReader& r) {
  RowGroup g;
  RB_TRY(read_struct(r, [&](const FieldHeader& f) -> Result<bool> {
    constexpr std::string_view kWhere = "RowGroup";
    switch (f.id) {
      case 1:
        RB_TRY(read_list(r, f, Type::kStruct, kWhere, [&]() -> Result<void> {
          RB_TRY(r.begin_struct());
          RB_ASSIGN_OR_RETURN(auto column, decode_column_chunk(r));
          g.columns.push_back(std::move(column));
          return {};
        }));
        return true;
      case 2: {
        RB_ASSIGN_OR_RETURN(g.total_byte_size, read_i64(r, f, kWhere));
        return true;
      }
      case 3: {
        RB_ASSIGN_OR_RETURN(g.num_rows, read_i64(r, f, kWhere));
        return true;
      }
      case 5: {
        RB_ASSIGN_OR_RETURN(g.file_offset, read_i64(r, f, kWhere));
        return true;
      }
      case 6: {
        RB_ASSIGN_OR_RETURN(g.total_compressed_size, read_i64(r, f, kWhere));
        return true;
      }
      default:
        return false;
    }
  }));
  return g;
}

Result<KeyValue> decode_key_value(CompactReader& r) {
  KeyValue kv;
  RB_TRY(read_struct(r, [&](const FieldHeader& f) -> Result<bool> {
    if (f.id == 1) {
      RB_ASSIGN_OR_RETURN(kv.key, read_string(r, f, "KeyValue"));
    }
    if (f.id == 2) {
      RB_ASSIGN_OR_RETURN(kv.value, read_string(r, f, "KeyValue"));
    }
    return f.id == 1 || f.id == 2;
  }));
  return kv;
}

Result<void> decode_data_page_header(CompactReader& r, DataPageHeader& h) {
  return read_struct(r, [&](const FieldHeader& f) -> Result<bool> {
    constexpr std::string_view kWhere = "DataPageHeader";
    switch (f.id) {
      case 1: {
        RB_ASSIGN_OR_RETURN(h.num_values, read_i32(r, f, kWhere));
        return true;
      }
      case 2: {
        RB_ASSIGN_OR_RETURN(h.encoding, read_enum<Encoding>(r, f, kWhere));
        return true;
      }
      case 3: {
        RB_ASSIGN_OR_RETURN(h.definition_level_encoding, read_enum<Encoding>(r, f, kWhere));
        return true;
      }
      case 4: {
        RB_ASSIGN_OR_RETURN(h.repetition_level_encoding, read_enum<Encoding>(r, f, kWhere));
        return true;
      }
      default:
        return false;
    }
  });
}

Result<void> decode_dictionary_page_header(CompactReader& r, DictionaryPageHeader& h) {
  return read_struct(r, [&](const FieldHeader& f) -> Result<bool> {
    constexpr std::string_view kWhere = "DictionaryPageHeader";
    if (f.id == 1) {
      RB_ASSIGN_OR_RETURN(h.num_values, read_i32(r, f, kWhere));
    }
    if (f.id == 2) {
      RB_ASSIGN_OR_RETURN(h.encoding, read_enum<Encoding>(r, f, kWhere));
    }
    return f.id == 1 || f.id == 2;
  });
}

Result<void> decode_data_page_header_v2(CompactReader& r, DataPageHeaderV2& h) {
  return read_struct(r, [&](const FieldHeader& f) -> Result<bool> {
    constexpr std::string_view kWhere = "DataPageHeaderV2";
    switch (f.id) {
      case 1: {
        RB_ASSIGN_OR_RETURN(h.num_values, read_i32(r, f, kWhere));
        return true;
      }
      case 2: {
        RB_ASSIGN_OR_RETURN(h.num_nulls, read_i32(r, f, kWhere));
        return true;
      }
      case 3: {
        RB_ASSIGN_OR_RETURN(h.num_rows, read_i32(r, f, kWhere));
        return true;
      }
      case 4: {
        RB_ASSIGN_OR_RETURN(h.encoding, read_enum<Encoding>(r, f, kWhere));
        return true;
      }
      case 5: {
        RB_ASSIGN_OR_RETURN(h.definition_levels_byte_length, read_i32(r, f, kWhere));
        return true;
      }
      case 6: {
        RB_ASSIGN_OR_RETURN(h.repetition_levels_byte_length, read_i32(r, f, kWhere));
        return true;
      }
      case 7:
        RB_TRY(expect_bool(f, kWhere));
        h.is_compressed = f.type == Type::kTrue;
        return true;
      default:
        return false;
    }
  });
}

}  // namespace

void encode(const FileMetaData& metadata, std::vector<uint8_t>& out) {
  CompactWriter w(out);
  w.field_i32(1, metadata.version);
  w.begin_list(2, Type::kStruct, static_cast<uint32_t>(metadata.schema.size()));
  for (const SchemaElement& e : metadata.schema) encode_schema_element(e, w);
  w.field_i64(3, metadata.num_rows);
  w.begin_list(4, Type::kStruct, static_cast<uint32_t>(metadata.row_groups.size()));
  for (const RowGroup& g : metadata.row_groups) encode_row_group(g, w);
  if (!metadata.key_value_metadata.empty()) {
    w.begin_list(5, Type::kStruct, static_cast<uint32_t>(metadata.key_value_metadata.size()));
    for (const KeyValue& kv : metadata.key_value_metadata) {
      w.begin_struct_element();
      w.field_binary(1, kv.key);
      if (kv.value) w.field_binary(2, *kv.value);
      w.end_struct();
    }
  }
  if (metadata.created_by) w.field_binary(6, *metadata.created_by);
  if (metadata.type_defined_orders > 0) {
    w.begin_list(7, Type::kStruct, static_cast<uint32_t>(metadata.type_defined_orders));
    for (size_t i = 0; i < metadata.type_defined_orders; ++i) {
      w.begin_struct_element();
      w.begin_struct(1);  // TYPE_ORDER, an empty struct
      w.end_struct();
      w.end_struct();
    }
  }
  w.stop();
}

void encode(const PageHeader& header, std::vector<uint8_t>& out) {
  CompactWriter w(out);
  w.field_i32(1, code(header.type));
  w.field_i32(2, header.uncompressed_page_size);
  w.field_i32(3, header.compressed_page_size);
  if (header.data_page) {
    const DataPageHeader& h = *header.data_page;
    w.begin_struct(5);
    w.field_i32(1, h.num_values);
    w.field_i32(2, code(h.encoding));
    w.field_i32(3, code(h.definition_level_encoding));
    w.field_i32(4, code(h.repetition_level_encoding));
    w.end_struct();
  }
  if (header.dictionary_page) {
    w.begin_struct(7);
    w.field_i32(1, header.dictionary_page->num_values);
    w.field_i32(2, code(header.dictionary_page->encoding));
    w.end_struct();
  }
  if (header.data_page_v2) {
    const DataPageHeaderV2& h = *header.data_page_v2;
    w.begin_struct(8);
    w.field_i32(1, h.num_values);
    w.field_i32(2, h.num_nulls);
    w.field_i32(3, h.num_rows);
    w.field_i32(4, code(h.encoding));
    w.field_i32(5, h.definition_levels_byte_length);
    w.field_i32(6, h.repetition_levels_byte_length);
    w.field_bool(7, h.is_compressed);
    w.end_struct();
  }
  w.stop();
}

Result<FileMetaData> decode_file_metadata(std::span<const uint8_t> bytes) {
  CompactReader r(bytes);
  FileMetaData m;
  bool has_schema = false, has_rows = false, has_groups = false;
  RB_TRY(read_struct(r, [&](const FieldHeader& f) -> Result<bool> {
    constexpr std::string_view kWhere = "FileMetaData";
    switch (f.id) {
      case 1: {
        RB_ASSIGN_OR_RETURN(m.version, read_i32(r, f, kWhere));
        return true;
      }
      case 2:
        has_schema = true;
        RB_TRY(read_list(r, f, Type::kStruct, kWhere, [&]() -> Result<void> {
          RB_TRY(r.begin_struct());
          RB_ASSIGN_OR_RETURN(auto element, decode_schema_element(r));
          m.schema.push_back(std::move(element));
          return {};
        }));
        return true;
      case 3: {
        has_rows = true;
        RB_ASSIGN_OR_RETURN(m.num_rows, read_i64(r, f, kWhere));
        return true;
      }
      case 4:
        has_groups = true;
        RB_TRY(read_list(r, f, Type::kStruct, kWhere, [&]() -> Result<void> {
          RB_TRY(r.begin_struct());
          RB_ASSIGN_OR_RETURN(auto group, decode_row_group(r));
          m.row_groups.push_back(std::move(group));
          return {};
        }));
        return true;
      case 5:
        RB_TRY(read_list(r, f, Type::kStruct, kWhere, [&]() -> Result<void> {
          RB_TRY(r.begin_struct());
          RB_ASSIGN_OR_RETURN(auto kv, decode_key_value(r));
          m.key_value_metadata.push_back(std::move(kv));
          return {};
        }));
        return true;
      case 6: {
        RB_ASSIGN_OR_RETURN(m.created_by, read_string(r, f, kWhere));
        return true;
      }
      case 7:
        RB_TRY(read_list(r, f, Type::kStruct, kWhere, [&]() -> Result<void> {
          RB_TRY(r.begin_struct());
          bool type_order = false;
          RB_TRY(read_struct(r, [&](const FieldHeader& order) -> Result<bool> {
            type_order = type_order || (order.id == 1 && order.type == Type::kStruct);
            return false;
          }));
          if (type_order) ++m.type_defined_orders;
          return {};
        }));
        return true;
      default:
        return false;
    }
  }));
  if (!has_schema || !has_rows || !has_groups) {
    return make_error("Parquet metadata: the footer lacks its schema, row count or row groups");
  }
  return m;
}

Result<DecodedPageHeader> decode_page_header(std::span<const uint8_t> bytes) {
  CompactReader r(bytes);
  DecodedPageHeader decoded;
  PageHeader& h = decoded.header;
  RB_TRY(read_struct(r, [&](const FieldHeader& f) -> Result<bool> {
    constexpr std::string_view kWhere = "PageHeader";
    switch (f.id) {
      case 1: {
        RB_ASSIGN_OR_RETURN(h.type, read_enum<PageType>(r, f, kWhere));
        return true;
      }
      case 2: {
        RB_ASSIGN_OR_RETURN(h.uncompressed_page_size, read_i32(r, f, kWhere));
        return true;
      }
      case 3: {
        RB_ASSIGN_OR_RETURN(h.compressed_page_size, read_i32(r, f, kWhere));
        return true;
      }
      case 5:
        RB_TRY(expect(f, Type::kStruct, kWhere));
        RB_TRY(r.begin_struct());
        RB_TRY(decode_data_page_header(r, h.data_page.emplace()));
        return true;
      case 7:
        RB_TRY(expect(f, Type::kStruct, kWhere));
        RB_TRY(r.begin_struct());
        RB_TRY(decode_dictionary_page_header(r, h.dictionary_page.emplace()));
        return true;
      case 8:
        RB_TRY(expect(f, Type::kStruct, kWhere));
        RB_TRY(r.begin_struct());
        RB_TRY(decode_data_page_header_v2(r, h.data_page_v2.emplace()));
        return true;
      default:
        return false;
    }
  }));
  if (h.uncompressed_page_size < 0 || h.compressed_page_size < 0) {
    return make_error("Parquet: a page header gives a negative page size");
  }
  decoded.size = r.position();
  return decoded;
}

}  // namespace rapidbyte::parquet
