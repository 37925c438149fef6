#include "guest/connectors/source-postgres/change_batch_builder.hpp"

#include "guest/connectors/postgres-common/pg_error_mapping.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/arrow/value_formatter.hpp"
#include "portable/base/try.hpp"
#include "portable/postgres/codec/type_oids.hpp"
#include "portable/protocol/change_columns.hpp"

namespace rapidbyte::connectors::source_postgres {
namespace {

namespace pgo = postgres::pgoutput;

namespace change = protocol::change;

constexpr const char* kOpNames[] = {change::kInsert, change::kUpdate, change::kDelete,
                                    change::kTruncate};
constexpr int kChangeColumns = 4;

std::vector<postgres::ColumnSpec> change_specs() {
  return {{change::kOpColumn, {postgres::oid::kText, -1}},
          {change::kLsnColumn, {postgres::oid::kInt8, -1}},
          {change::kCommitTsColumn, {postgres::oid::kTimestamptz, -1}},
          {change::kUnchangedColumn, {postgres::oid::kText, -1}}};
}

std::span<const uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

void put_be64(uint8_t* out, uint64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<uint8_t>(v);
}

std::string json_names(const std::vector<std::string>& names) {
  std::string out = "[";
  for (const auto& name : names) {
    if (out.size() > 1) out += ",";
    arrow::append_json_string(name, out);
  }
  return out + "]";
}

}  // namespace

std::vector<ExtraColumn> snapshot_columns(postgres::Lsn lsn) {
  const auto specs = change_specs();
  return {{specs[0].name, "'insert'::text", specs[0].type},
          {specs[1].name, std::to_string(lsn) + "::bigint", specs[1].type},
          {specs[2].name, "NULL::timestamptz", specs[2].type},
          {specs[3].name, "NULL::text", specs[3].type}};
}

sdk::Result<arrow::RecordBatch> snapshot_reset_batch(std::shared_ptr<const arrow::Schema> schema,
                                                     postgres::Lsn lsn) {
  std::vector<arrow::Array> columns;
  for (const arrow::Field& field : schema->fields()) {
    auto builder = arrow::make_builder(field.type);
    if (field.name == change::kOpColumn && field.type.id() == arrow::TypeId::kUtf8) {
      static_cast<arrow::BinaryBuilder&>(*builder).append(change::kTruncate);
    } else if (field.name == change::kLsnColumn && field.type.id() == arrow::TypeId::kInt64) {
      static_cast<arrow::Int64Builder&>(*builder).append(static_cast<int64_t>(lsn));
    } else {
      builder->append_null();
    }
    auto array = builder->finish();
    if (!array) {
      return sdk::internal_error("cannot build the snapshot's reset row: " + array.error().message);
    }
    columns.push_back(std::move(*array));
  }
  return arrow::RecordBatch(std::move(schema), std::move(columns), 1);
}

sdk::Result<ChangeBatchBuilder> ChangeBatchBuilder::make(
    const pgo::Relation& relation, const TableInfo& table,
    const postgres::CodecOptions& codec_options) {
  std::vector<postgres::ColumnSpec> specs;
  std::vector<const ColumnInfo*> known;
  for (const pgo::RelationColumn& column : relation.columns) {
    const ColumnInfo* info = table.column(column.name);
    postgres::PgColumnType type{column.type_oid, column.type_modifier};
    // A domain arrives as its own oid; its binary form is the base type's,
    // which the catalog resolved.
    if (!postgres::make_codec(type, codec_options) && info) type = info->type;
    if (info && info->needs_text_cast) {
      return sdk::schema_error("column '" + std::string(column.name) + "' of " +
                                   table.name.quoted() + " has type " + info->type_name +
                                   ", which cdc cannot decode (no binary codec)",
                               "UNSUPPORTED_TYPE");
    }
    specs.push_back({std::string(column.name), type});
    known.push_back(info);
  }
  for (auto& spec : change_specs()) specs.push_back(std::move(spec));
  auto builder = postgres::ArrowBatchBuilder::make(specs, codec_options);
  if (!builder) {
    return postgres_common::fail_with(builder.error(),
                                      "cannot decode changes of " + table.name.quoted());
  }
  std::vector<arrow::Field> fields = builder->schema()->fields();
  for (size_t i = 0; i < known.size(); ++i) {
    fields[i].nullable = true;  // deletes and truncates leave columns null
    if (!known[i]) continue;
    if (known[i]->builtin_type && known[i]->type.type_oid == specs[i].type.type_oid) {
      fields[i].metadata.set(kPgTypeKey, known[i]->type_name);
    }
  }
  ChangeBatchBuilder out(std::move(*builder));
  out.schema_ = arrow::make_schema(std::move(fields));
  out.table_name_ = table.name.quoted();
  for (const pgo::RelationColumn& column : relation.columns) {
    out.names_.emplace_back(column.name);
    out.is_key_.push_back(column.is_key);
  }
  return out;
}

std::vector<std::string> ChangeBatchBuilder::unresolved_toast(const pgo::Tuple& new_tuple,
                                                              const pgo::Tuple* old_tuple) const {
  std::vector<std::string> out;
  for (size_t i = 0; i < new_tuple.size() && i < names_.size(); ++i) {
    if (new_tuple[i].kind != pgo::ValueKind::kUnchangedToast) continue;
    const bool from_old =
        old_tuple && i < old_tuple->size() && (*old_tuple)[i].kind == pgo::ValueKind::kBinary;
    if (!from_old) out.push_back(names_[i]);
  }
  return out;
}

bool ChangeBatchBuilder::key_changed(const pgo::Tuple& old_key, const pgo::Tuple& new_tuple) const {
  for (size_t i = 0; i < names_.size() && i < old_key.size() && i < new_tuple.size(); ++i) {
    if (!is_key_[i]) continue;
    const auto& a = old_key[i];
    const auto& b = new_tuple[i];
    if (a.kind != b.kind) return true;
    if (!std::equal(a.bytes.begin(), a.bytes.end(), b.bytes.begin(), b.bytes.end())) return true;
  }
  return false;
}

sdk::Result<std::optional<std::string>> ChangeBatchBuilder::append(ChangeOp op,
                                                                   const pgo::Tuple& tuple,
                                                                   const pgo::Tuple* old_tuple,
                                                                   postgres::Lsn lsn,
                                                                   int64_t commit_time_us) {
  if (tuple.size() != names_.size()) {
    return sdk::data_error("a change of " + table_name_ + " has " + std::to_string(tuple.size()) +
                               " columns, its Relation message " + std::to_string(names_.size()),
                           "PGOUTPUT_COLUMNS");
  }
  std::vector<std::string> unchanged;
  std::optional<std::string> refused;
  for (size_t i = 0; i < tuple.size(); ++i) {
    const pgo::TupleValue* value = &tuple[i];
    if (value->kind == pgo::ValueKind::kUnchangedToast) {
      if (old_tuple && i < old_tuple->size() && (*old_tuple)[i].kind == pgo::ValueKind::kBinary) {
        value = &(*old_tuple)[i];  // REPLICA IDENTITY FULL sent the value
      } else {
        unchanged.push_back(names_[i]);
      }
    }
    std::optional<std::span<const uint8_t>> bytes;
    switch (value->kind) {
      case pgo::ValueKind::kBinary:
        bytes = value->bytes;
        pending_bytes_ += 4 + value->bytes.size();
        break;
      case pgo::ValueKind::kText:
        return sdk::data_error("column '" + names_[i] + "' of " + table_name_ +
                                   " arrived in text format; cdc reads binary values",
                               "PGOUTPUT_TEXT");
      default:
        pending_bytes_ += 1;
        break;
    }
    auto appended = builder_.append_value_or_null(static_cast<int>(i), bytes);
    if (!appended) {
      return postgres_common::fail_with(
          appended.error(), "cannot decode column '" + names_[i] + "' of " + table_name_);
    }
    if (*appended && !refused) refused = appended->value().message;
  }
  RB_TRY(append_meta(op, lsn, commit_time_us, unchanged));
  return refused;
}

sdk::Result<void> ChangeBatchBuilder::append_truncate(postgres::Lsn lsn, int64_t commit_time_us) {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (auto appended = builder_.append_value(static_cast<int>(i), std::nullopt); !appended) {
      return postgres_common::fail_with(appended.error(),
                                        "cannot build a truncate of " + table_name_);
    }
  }
  return append_meta(ChangeOp::kTruncate, lsn, commit_time_us, {});
}

sdk::Result<void> ChangeBatchBuilder::append_meta(ChangeOp op, postgres::Lsn lsn,
                                                  int64_t commit_time_us,
                                                  const std::vector<std::string>& unchanged) {
  const int base = static_cast<int>(names_.size());
  uint8_t lsn_bytes[8];
  put_be64(lsn_bytes, lsn);
  uint8_t time_bytes[8];
  put_be64(time_bytes, static_cast<uint64_t>(commit_time_us));
  const std::string unchanged_json = unchanged.empty() ? std::string() : json_names(unchanged);
  const std::optional<std::span<const uint8_t>> values[kChangeColumns] = {
      bytes_of(kOpNames[static_cast<size_t>(op)]),
      std::span<const uint8_t>(lsn_bytes),
      std::span<const uint8_t>(time_bytes),
      unchanged.empty() ? std::nullopt
                        : std::optional<std::span<const uint8_t>>(bytes_of(unchanged_json)),
  };
  for (int i = 0; i < kChangeColumns; ++i) {
    if (auto appended = builder_.append_value(base + i, values[i]); !appended) {
      return postgres_common::fail_with(appended.error(),
                                        "cannot build a change row of " + table_name_);
    }
  }
  pending_bytes_ += 40 + unchanged_json.size();
  builder_.end_row();
  return {};
}

sdk::Result<arrow::RecordBatch> ChangeBatchBuilder::finish() {
  auto built = builder_.finish_batch();
  if (!built)
    return postgres_common::fail_with(built.error(), "cannot build a batch of " + table_name_);
  pending_bytes_ = 0;
  const int64_t rows = built->num_rows();
  return arrow::RecordBatch(schema_, built->columns(), rows);
}

sdk::Result<ChangeBatchBuilder::SplitBatch> ChangeBatchBuilder::finish_but_last() {
  RB_ASSIGN_OR_RETURN(auto all, finish());
  const int64_t rows = all.num_rows();
  return SplitBatch{all.slice(0, rows - 1), all.slice(rows - 1, 1)};
}

}  // namespace rapidbyte::connectors::source_postgres
