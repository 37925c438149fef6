#include "guest/connectors/source-generator/row_generator.hpp"

#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/boolean_builder.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors {

namespace {

// 2024-01-01T00:00:00Z in microseconds; timestamps advance one second per row.
constexpr int64_t kEpochMicros = 1704067200LL * 1000000;

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t cell_random(uint64_t seed, uint64_t id, size_t column) {
  return splitmix64(seed ^ splitmix64(id * 0x100000001b3ULL + column));
}

bool is_null_cell(uint64_t random) {
  return (random >> 59) % RowGenerator::kNullOneIn == 0;
}

bool is_row_id(const ColumnSpec& c) {
  return c.name == "id" && c.kind == ColumnKind::kInt64;
}

// Appends count cells; `value(id, random)` appends one valid cell.
template <class Builder, class AppendValue>
void append_cells(Builder& builder, bool nullable, uint64_t seed, size_t column, uint64_t first_id,
                  uint64_t count, AppendValue value) {
  builder.reserve(static_cast<int64_t>(count));
  for (uint64_t id = first_id; id < first_id + count; ++id) {
    const uint64_t r = cell_random(seed, id, column);
    if (nullable && is_null_cell(r)) {
      builder.append_null();
    } else {
      value(builder, id, r);
    }
  }
}

}  // namespace

std::optional<ColumnKind> parse_column_kind(std::string_view name) {
  for (ColumnKind k : {ColumnKind::kInt64, ColumnKind::kFloat64, ColumnKind::kText,
                       ColumnKind::kBool, ColumnKind::kTimestamp}) {
    if (column_kind_name(k) == name) return k;
  }
  return std::nullopt;
}

std::string_view column_kind_name(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kInt64:
      return "int64";
    case ColumnKind::kFloat64:
      return "float64";
    case ColumnKind::kText:
      return "text";
    case ColumnKind::kBool:
      return "bool";
    case ColumnKind::kTimestamp:
      return "timestamp";
  }
  return "";
}

arrow::DataType column_arrow_type(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kInt64:
      return arrow::int64();
    case ColumnKind::kFloat64:
      return arrow::float64();
    case ColumnKind::kText:
      return arrow::utf8();
    case ColumnKind::kBool:
      return arrow::boolean();
    case ColumnKind::kTimestamp:
      return arrow::timestamp(arrow::TimeUnit::kMicro, "UTC");
  }
  return arrow::null();
}

std::vector<ColumnSpec> default_columns() {
  return {{"id", ColumnKind::kInt64},
          {"value", ColumnKind::kFloat64},
          {"name", ColumnKind::kText},
          {"flag", ColumnKind::kBool},
          {"ts", ColumnKind::kTimestamp}};
}

RowGenerator::RowGenerator(std::vector<ColumnSpec> columns, uint64_t seed)
    : columns_(std::move(columns)), seed_(seed) {
  std::vector<arrow::Field> fields;
  for (const ColumnSpec& c : columns_) {
    fields.push_back(arrow::field(c.name, column_arrow_type(c.kind), !is_row_id(c)));
    builders_.push_back(arrow::make_builder(fields.back().type));
  }
  schema_ = arrow::make_schema(std::move(fields));
}

size_t RowGenerator::max_row_bytes() const {
  size_t bytes = 0;
  for (const ColumnSpec& c : columns_) {
    bytes += 1;  // validity bit, rounded up
    switch (c.kind) {
      case ColumnKind::kBool:
        break;
      case ColumnKind::kText:
        bytes += 4 + kMaxTextBytes;
        break;
      default:
        bytes += 8;
    }
  }
  return bytes;
}

arrow::Result<arrow::RecordBatch> RowGenerator::generate(uint64_t first_id, uint64_t count) {
  std::vector<arrow::Array> arrays;
  arrays.reserve(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    append_column(i, first_id, count);
    RB_ASSIGN_OR_RETURN(auto array, builders_[i]->finish());
    arrays.push_back(std::move(array));
  }
  return arrow::RecordBatch::make(schema_, std::move(arrays), static_cast<int64_t>(count));
}

void RowGenerator::append_column(size_t column, uint64_t first_id, uint64_t count) {
  const ColumnSpec& spec = columns_[column];
  arrow::ArrayBuilder& builder = *builders_[column];
  const bool nullable = !is_row_id(spec);
  switch (spec.kind) {
    case ColumnKind::kInt64:
      append_cells(static_cast<arrow::Int64Builder&>(builder), nullable, seed_, column, first_id,
                   count, [&](arrow::Int64Builder& b, uint64_t id, uint64_t r) {
                     b.append(nullable ? static_cast<int64_t>(r % 2000001) - 1000000
                                       : static_cast<int64_t>(id));
                   });
      return;
    case ColumnKind::kFloat64:
      append_cells(static_cast<arrow::Float64Builder&>(builder), nullable, seed_, column, first_id,
                   count, [](arrow::Float64Builder& b, uint64_t, uint64_t r) {
                     b.append(static_cast<double>(r >> 11) * 0x1.0p-53 * 1000.0);
                   });
      return;
    case ColumnKind::kText:
      append_cells(static_cast<arrow::BinaryBuilder&>(builder), nullable, seed_, column, first_id,
                   count, [](arrow::BinaryBuilder& b, uint64_t, uint64_t r) {
                     static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
                     char text[kMaxTextBytes];
                     const size_t length = 4 + r % (kMaxTextBytes - 3);
                     for (size_t i = 0; i < length; ++i, r = splitmix64(r)) {
                       text[i] = kAlphabet[r % (sizeof(kAlphabet) - 1)];
                     }
                     b.append(std::string_view(text, length));
                   });
      return;
    case ColumnKind::kBool:
      append_cells(static_cast<arrow::BooleanBuilder&>(builder), nullable, seed_, column, first_id,
                   count, [](arrow::BooleanBuilder& b, uint64_t, uint64_t r) { b.append(r & 1); });
      return;
    case ColumnKind::kTimestamp:
      // make_builder() builds timestamps with PrimitiveBuilder<int64_t>.
      append_cells(static_cast<arrow::Int64Builder&>(builder), nullable, seed_, column, first_id,
                   count, [](arrow::Int64Builder& b, uint64_t id, uint64_t r) {
                     b.append(kEpochMicros + static_cast<int64_t>(id) * 1000000 +
                              static_cast<int64_t>(r % 1000000));
                   });
      return;
  }
}

}  // namespace rapidbyte::connectors
