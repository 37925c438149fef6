#include "guest/connectors/dest-postgres/table_writer.hpp"

#include <algorithm>

#include "guest/connectors/dest-postgres/table_statements.hpp"
#include "guest/connectors/dest-postgres/type_mapping.hpp"
#include "guest/connectors/postgres-common/pg_error_mapping.hpp"
#include "portable/arrow/pretty_print.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::dest_postgres {
namespace {

constexpr const char* kStageName = "rb_stage";
// PostgreSQL allows at most 65535 bind parameters per statement.
constexpr size_t kMaxInsertParams = 30000;
constexpr size_t kMaxInsertRows = 1000;
// COPY sends a batch in pieces of about this size (checked every
// kCopyPieceRows rows): small enough to keep the server busy while the next
// piece is encoded, large enough that each send is cheap.
constexpr size_t kCopyPieceBytes = 512 * 1024;
constexpr int64_t kCopyPieceRows = 256;
// With on_data_error fail, one COPY statement carries batch after batch
// until a commit, a new plan or about this many bytes: every COPY costs the
// server its setup and the writer a round trip spent waiting for the server
// to drain. The bound caps what is sent after a row the server has already
// rejected, because that error only comes back when the COPY ends.
constexpr size_t kCopyStatementBytes = 64 * 1024 * 1024;

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

// How batches of one input schema are written.
struct TableWriter::Plan {
  std::shared_ptr<const arrow::Schema> input;
  std::vector<int> input_indices;  // input columns written, in order
  std::shared_ptr<const arrow::Schema> projected;
  std::vector<std::string> names;  // their names
  std::string load_relation;       // quoted
  std::vector<postgres::PgColumnType> load_types;
  std::optional<postgres::CopyBinaryEncoder> encoder;
  std::vector<std::unique_ptr<postgres::ValueCodec>> codecs;
  std::string copy_sql;
  std::string insert_prefix;
  std::string merge_sql;  // empty: rows go straight into the target
  bool changes = false;   // upsert of a change batch (change_applier.hpp)
};

std::unexpected<protocol::ConnectorError> target_missing_error(const WriterOptions& options) {
  return sdk::schema_error(
      "stream '" + options.stream_name + "' resumes after a committed cursor, but its table " +
          options.target.quoted() +
          " does not exist (dropped, or the pipeline now writes elsewhere); a new table would "
          "hold only the rows after the cursor. Run `rapidbyte state reset <pipeline.yaml> "
          "--stream " +
          options.stream_name + "` to load the stream from the start",
      "TARGET_MISSING");
}

TableWriter::TableWriter(postgres::Connection& connection, sdk::Context& ctx, WriterOptions options)
    : connection_(connection), ctx_(ctx), options_(std::move(options)) {
  if (options_.slice && options_.mode != protocol::WriteMode::kUpsert)
    ledger_.emplace(connection_, options_.target, options_.slice->generation, options_.mode);
}

TableWriter::~TableWriter() = default;

sdk::Result<void> TableWriter::exec(std::string_view sql, std::string_view context) {
  return exec_sql(connection_, sql, context);
}

sdk::Result<void> TableWriter::start() {
  if (options_.mode == protocol::WriteMode::kUpsert && options_.primary_key.empty()) {
    return sdk::config_error(
        "write_mode upsert needs a primary_key for stream '" + options_.stream_name + "'",
        "PRIMARY_KEY_MISSING");
  }
  return exec(
      "CREATE SCHEMA IF NOT EXISTS " + postgres_common::quote_identifier(options_.target.schema),
      "cannot create schema " + postgres_common::quote_identifier(options_.target.schema));
}

sdk::Result<void> TableWriter::ensure_transaction() {
  if (in_transaction_) return {};
  RB_TRY(exec("BEGIN", "cannot begin a transaction"));
  in_transaction_ = true;
  return {};
}

sdk::Result<void> TableWriter::build_codecs(const std::vector<postgres::PgColumnType>& types) {
  plan_->load_types = types;
  auto encoder = postgres::CopyBinaryEncoder::make(types);
  if (!encoder)
    return postgres_common::fail_with(encoder.error(), "cannot write " + plan_->load_relation);
  plan_->encoder = std::move(*encoder);
  for (const auto& type : types) {
    auto codec = postgres::make_codec(type);
    if (!codec)
      return postgres_common::fail_with(codec.error(), "cannot write " + plan_->load_relation);
    plan_->codecs.push_back(std::move(*codec));
  }
  plan_->copy_sql = copy_in_sql(plan_->load_relation, plan_->names);
  plan_->insert_prefix = insert_head_sql(plan_->load_relation, plan_->names);
  return {};
}

sdk::Result<void> TableWriter::prepare(const std::shared_ptr<const arrow::Schema>& schema) {
  RB_TRY(ensure_transaction());
  plan_ = std::make_unique<Plan>();
  plan_->input = schema;
  if (options_.mode == protocol::WriteMode::kReplace) return prepare_replace(schema);
  if (ledger_) return prepare_append_slice(schema);
  RB_ASSIGN_OR_RETURN(TargetPlan planned, reconcile_target(*schema));
  return execute_plan(*schema, planned.reconcile, options_.target.quoted());
}

sdk::Result<void> TableWriter::prepare_replace(const std::shared_ptr<const arrow::Schema>& schema) {
  const postgres_common::TableName staging = replace_staging_table(options_.target);
  plan_->load_relation = staging.quoted();
  if (ledger_) {
    // The slices' shared staging table is made under the ledger's lock and
    // committed before the slice writes rows, so the others can use it.
    const bool first = !staged_;
    RB_TRY(ledger_->claim(schema.get(), options_.primary_key));
    if (first) {
      RB_TRY(commit_open_transaction());
      RB_TRY(ensure_transaction());
    }
  } else {
    RB_TRY(stage_replace(*schema));
  }
  staged_ = true;
  RB_ASSIGN_OR_RETURN(auto columns, load_table_columns(connection_, plan_->load_relation));
  if (!columns) return sdk::internal_error("staging table vanished: " + plan_->load_relation);
  replace_columns_.clear();
  for (const auto& c : *columns) replace_columns_.push_back(c.name);
  std::vector<postgres::PgColumnType> types;
  for (int i = 0; i < schema->num_fields(); ++i) {
    const std::string& name = schema->field(i).name;
    for (const auto& c : *columns) {
      if (c.name == name) types.push_back(c.type);
    }
    plan_->input_indices.push_back(i);
    plan_->names.push_back(name);
  }
  plan_->projected = schema;
  return build_codecs(types);
}

sdk::Result<void> TableWriter::stage_replace(const arrow::Schema& schema) {
  const std::string staging = replace_staging_table(options_.target).quoted();
  if (!staged_) {
    RB_TRY(exec("DROP TABLE IF EXISTS " + staging, "cannot drop " + staging));
    RB_ASSIGN_OR_RETURN(std::string create,
                        create_table_sql(staging, schema, options_.primary_key, false, false));
    return exec(create, "cannot create " + staging);
  }
  // The schema changed within the stream: the new table takes new columns.
  for (const auto& field : schema.fields()) {
    if (contains(replace_columns_, field.name)) continue;
    RB_ASSIGN_OR_RETURN(auto type, postgres_type_for(field));
    RB_TRY(
        exec(add_column_sql(staging, field.name, type), "cannot add column '" + field.name + "'"));
  }
  return {};
}

sdk::Result<void> TableWriter::prepare_append_slice(
    const std::shared_ptr<const arrow::Schema>& schema) {
  // The target is created and evolved as by an unpartitioned append, so
  // the schema policies apply alike; the rows wait in the staging table, in
  // the target's own column types, until the finalize appends them.
  RB_ASSIGN_OR_RETURN(TargetPlan planned, reconcile_target(*schema));
  // The slices' shared staging table is made under the ledger's lock and,
  // like the target's new columns, committed before the slice writes rows.
  const bool first = !staged_;
  RB_TRY(ledger_->claim(nullptr, {}));
  RB_TRY(stage_append_slice(planned.columns, planned.reconcile));
  if (first) {
    RB_TRY(commit_open_transaction());
    RB_TRY(ensure_transaction());
  }
  staged_ = true;
  return execute_plan(*schema, planned.reconcile, ledger_->staging().quoted());
}

sdk::Result<void> TableWriter::stage_append_slice(const std::vector<TableColumn>& target_columns,
                                                  const ReconcilePlan& reconcile) {
  const std::string staging = ledger_->staging().quoted();
  RB_ASSIGN_OR_RETURN(auto staged, load_table_columns(connection_, staging));
  std::vector<std::string> definitions;
  for (const ColumnDecision& column : reconcile.columns) {
    if (column.action == ColumnAction::kIgnore) continue;
    if (staged && std::ranges::find(*staged, column.name, &TableColumn::name) != staged->end())
      continue;
    auto in_target = std::ranges::find(target_columns, column.name, &TableColumn::name);
    if (in_target == target_columns.end())
      return sdk::internal_error("column '" + column.name + "' vanished from " +
                                 options_.target.quoted());
    if (staged) {
      RB_TRY(exec(add_column_sql(staging, column.name, in_target->type_name),
                  "cannot add column '" + column.name + "' to " + staging));
    } else {
      definitions.push_back(postgres_common::quote_identifier(column.name) + " " +
                            in_target->type_name);
    }
  }
  if (staged) return {};
  std::string list;
  for (const auto& d : definitions) list += (list.empty() ? "" : ", ") + d;
  return exec("CREATE TABLE " + staging + " (" + list + ")", "cannot create " + staging);
}

sdk::Result<TableWriter::TargetPlan> TableWriter::reconcile_target(const arrow::Schema& schema) {
  const ReconcileRules rules{options_.stream_name, options_.target.quoted(), options_.mode,
                             options_.policies.schema_evolution};
  RB_ASSIGN_OR_RETURN(std::vector<TableColumn> columns, ensure_table(schema));
  RB_ASSIGN_OR_RETURN(ReconcilePlan reconcile, plan_reconcile(columns, schema, rules));
  if (reconcile.adds_columns()) {
    // An added column has the type the server gives it, so only a plan over
    // the altered table checks the stream's type against it.
    RB_TRY(add_columns(reconcile));
    RB_ASSIGN_OR_RETURN(columns, reload_target_columns("ALTER TABLE"));
    RB_ASSIGN_OR_RETURN(reconcile, plan_reconcile(columns, schema, rules));
    if (reconcile.adds_columns()) {
      return sdk::internal_error("column vanished after ALTER TABLE: " + rules.target);
    }
  }
  for (const std::string& warning : reconcile.warnings) {
    ctx_.log(protocol::LogLevel::kWarn, warning);
  }
  RB_TRY(check_removed_columns(columns, schema, rules));
  return TargetPlan{std::move(columns), std::move(reconcile)};
}

sdk::Result<std::vector<TableColumn>> TableWriter::ensure_table(const arrow::Schema& schema) {
  const std::string target = options_.target.quoted();
  RB_ASSIGN_OR_RETURN(auto existing, load_table_columns(connection_, target));
  if (existing) return std::move(*existing);
  if (options_.resuming) return target_missing_error(options_);
  if (options_.slice) {
    // The first slice creates the table and commits it; the others wait for
    // the lock and then find it. Nothing is written in this transaction yet
    // (prepare began it), so committing here loses nothing.
    RB_TRY(lock_table_name(connection_, options_.target));
    RB_ASSIGN_OR_RETURN(auto created, load_table_columns(connection_, target));
    if (!created) RB_TRY(create_target(schema));
    RB_TRY(commit_open_transaction());
    RB_TRY(ensure_transaction());
  } else {
    RB_TRY(create_target(schema));
  }
  return reload_target_columns("CREATE");
}

sdk::Result<void> TableWriter::create_target(const arrow::Schema& schema) {
  const std::string target = options_.target.quoted();
  // An upsert reads a change batch's _rb_unchanged to apply a row: not a
  // column (plan_reconcile ignores it too). An append keeps it with the
  // row, where it tells an unchanged TOAST value from a NULL.
  std::vector<arrow::Field> kept;
  for (const auto& field : schema.fields()) {
    if (field.name != kUnchangedColumn || !is_change_schema(schema) ||
        options_.mode != protocol::WriteMode::kUpsert) {
      kept.push_back(field);
    }
  }
  // An append keeps every version of a row the source sends (and, after a
  // crash, sends again): a unique key on the table it creates would fail
  // the stream on the first update instead.
  const std::vector<std::string> no_key;
  const auto& key = options_.mode == protocol::WriteMode::kAppend ? no_key : options_.primary_key;
  RB_ASSIGN_OR_RETURN(std::string create,
                      create_table_sql(target, *arrow::make_schema(kept), key, false, false));
  return exec(create, "cannot create " + target);
}

sdk::Result<std::vector<TableColumn>> TableWriter::reload_target_columns(
    std::string_view statement) {
  const std::string target = options_.target.quoted();
  RB_ASSIGN_OR_RETURN(auto columns, load_table_columns(connection_, target));
  if (!columns) {
    return sdk::internal_error("table vanished after " + std::string(statement) + ": " + target);
  }
  return std::move(*columns);
}

sdk::Result<void> TableWriter::add_columns(const ReconcilePlan& reconcile) {
  const std::string target = options_.target.quoted();
  for (const ColumnDecision& column : reconcile.columns) {
    if (column.action != ColumnAction::kAdd) continue;
    RB_TRY(exec(add_column_sql(target, column.name, column.add_type),
                "cannot add column '" + column.name + "' to " + target));
  }
  return {};
}

sdk::Result<void> TableWriter::execute_plan(const arrow::Schema& schema,
                                            const ReconcilePlan& reconcile,
                                            const std::string& target) {
  std::vector<arrow::Field> projected_fields;
  std::vector<postgres::PgColumnType> target_types;
  std::vector<std::string> select_exprs;
  for (const ColumnDecision& column : reconcile.columns) {
    if (column.action == ColumnAction::kIgnore) continue;
    plan_->input_indices.push_back(column.input_index);
    plan_->names.push_back(column.name);
    projected_fields.push_back(schema.field(column.input_index));
    target_types.push_back(column.type);
    select_exprs.push_back(column.select_expr);
  }
  if (plan_->names.empty()) {
    return sdk::schema_error("stream '" + options_.stream_name + "' has no column of " + target);
  }
  plan_->projected = arrow::make_schema(projected_fields);

  const bool upsert = options_.mode == protocol::WriteMode::kUpsert;
  if (upsert) {
    for (const auto& key : options_.primary_key) {
      if (!contains(plan_->names, key)) {
        return sdk::schema_error("primary key column '" + key + "' is not written to " + target,
                                 "UNKNOWN_COLUMN");
      }
    }
  }
  if (!upsert && !reconcile.stages_types()) {
    plan_->load_relation = target;
    return build_codecs(target_types);
  }
  MergeStatement merge;
  if (upsert) {
    merge.kind = is_change_schema(schema) ? MergeKind::kApplyChanges : MergeKind::kUpsert;
  }
  merge.target = target;
  merge.columns = plan_->names;
  merge.select_exprs = std::move(select_exprs);
  merge.primary_key = options_.primary_key;
  merge.delete_mode = options_.delete_mode;
  return stage_load(std::move(merge));
}

sdk::Result<void> TableWriter::stage_load(MergeStatement merge) {
  // A temporary table with the stream's own types; the merge then casts (or
  // nulls) changed types and, for upsert, deduplicates.
  plan_->load_relation = postgres_common::quote_identifier(kStageName);
  RB_TRY(exec("DROP TABLE IF EXISTS pg_temp." + plan_->load_relation,
              "cannot drop the staging table"));
  RB_ASSIGN_OR_RETURN(std::string create,
                      create_table_sql(plan_->load_relation, *plan_->projected, {}, true, true));
  RB_TRY(exec(create, "cannot create the staging table"));
  RB_ASSIGN_OR_RETURN(auto stage_columns, load_table_columns(connection_, plan_->load_relation));
  if (!stage_columns) return sdk::internal_error("staging table vanished");
  std::vector<postgres::PgColumnType> stage_types;
  for (const auto& name : plan_->names) {
    for (const auto& c : *stage_columns) {
      if (c.name == name) stage_types.push_back(c.type);
    }
  }
  merge.staging = plan_->load_relation;
  plan_->changes = merge.kind == MergeKind::kApplyChanges;
  plan_->merge_sql = merge_sql(merge);
  return build_codecs(stage_types);
}

bool TableWriter::keeps_copy_open() const {
  return options_.method == LoadMethod::kCopy &&
         options_.policies.on_data_error == protocol::DataErrorPolicy::kFail &&
         plan_->merge_sql.empty() && !plan_->changes;
}

postgres::Result<void> TableWriter::begin_copy() {
  RB_TRY(connection_.copy_in_begin(plan_->copy_sql));
  copy_open_ = true;
  copy_sent_bytes_ = 0;
  buffer_.clear();
  plan_->encoder->header(buffer_);
  return {};
}

postgres::Result<void> TableWriter::send_copy_rows(const arrow::RecordBatch& batch) {
  // The batch goes out in pieces of about kCopyPieceBytes, each sent as soon
  // as it is encoded, so the server parses one piece while the next is
  // encoded instead of waiting for the whole batch. The last piece is sent
  // too, so the server is not left waiting for the next batch.
  const int64_t rows = batch.num_rows();
  for (int64_t begin = 0; begin < rows;) {
    const int64_t end = std::min(rows, begin + kCopyPieceRows);
    RB_TRY(plan_->encoder->encode(batch, begin, end, buffer_));
    begin = end;
    if (begin < rows && buffer_.size() < kCopyPieceBytes) continue;
    RB_TRY(connection_.copy_in_write(buffer_));
    copy_sent_bytes_ += buffer_.size();
    buffer_.clear();
  }
  return {};
}

postgres::Result<void> TableWriter::end_copy() {
  copy_open_ = false;
  buffer_.clear();
  plan_->encoder->trailer(buffer_);
  RB_TRY(connection_.copy_in_write(buffer_));
  RB_ASSIGN_OR_RETURN(uint64_t loaded, connection_.copy_in_end());
  (void)loaded;
  return {};
}

void TableWriter::abort_copy() {
  if (!copy_open_) return;
  copy_open_ = false;
  (void)connection_.copy_in_abort("batch not loaded");
}

postgres::Result<void> TableWriter::load_copy(const arrow::RecordBatch& batch) {
  RB_TRY(stream_copy(batch));
  if (copy_open_) return end_copy();  // (stream_copy may have ended it at its bound)
  return {};
}

postgres::Result<void> TableWriter::stream_copy(const arrow::RecordBatch& batch) {
  if (!copy_open_) RB_TRY(begin_copy());
  postgres::Result<void> sent = send_copy_rows(batch);
  if (!sent) {
    abort_copy();
    return sent;
  }
  if (copy_sent_bytes_ >= kCopyStatementBytes) return end_copy();
  return {};
}

sdk::Result<void> TableWriter::close_copy() {
  if (!copy_open_) return {};
  if (auto ended = end_copy(); !ended) return abandon_transaction(ended.error());
  return {};
}

sdk::Result<void> TableWriter::abandon_transaction(const postgres::PgError& error) {
  auto failure =
      postgres_common::to_connector_error(error, "cannot write to " + options_.target.quoted());
  abort_copy();
  (void)connection_.simple_query("ROLLBACK");
  in_transaction_ = false;
  return std::unexpected(std::move(failure));
}

postgres::Result<void> TableWriter::append_param(const arrow::RecordBatch& batch, size_t column,
                                                 int64_t row,
                                                 std::vector<postgres::Param>& params) const {
  const arrow::Array& array = batch.column(static_cast<int>(column));
  const uint32_t oid = plan_->load_types[column].type_oid;
  if (array.is_null(row)) {
    params.push_back(postgres::Param::null(oid));
    return {};
  }
  std::vector<uint8_t> bytes;
  RB_TRY(plan_->codecs[column]->encode(array, row, bytes));
  params.push_back(postgres::Param::binary(std::move(bytes), oid));
  return {};
}

postgres::Result<void> TableWriter::load_insert(const arrow::RecordBatch& batch) {
  const size_t columns = static_cast<size_t>(batch.num_columns());
  const size_t rows_per_statement = std::max<size_t>(
      1, std::min(kMaxInsertRows, kMaxInsertParams / std::max<size_t>(columns, 1)));
  std::vector<postgres::Param> params;
  for (int64_t start = 0; start < batch.num_rows();
       start += static_cast<int64_t>(rows_per_statement)) {
    const int64_t end = std::min<int64_t>(batch.num_rows(), start + rows_per_statement);
    std::string sql = plan_->insert_prefix;
    params.clear();
    for (int64_t row = start; row < end; ++row) {
      sql += row == start ? "(" : ", (";
      for (size_t c = 0; c < columns; ++c) {
        if (c) sql += ", ";
        sql += "$" + std::to_string(params.size() + 1);
        RB_TRY(append_param(batch, c, row, params));
      }
      sql += ")";
    }
    RB_ASSIGN_OR_RETURN(postgres::CommandResult done,
                        connection_.query(sql, params, postgres::RowSink{}));
    (void)done;
  }
  return {};
}

postgres::Result<void> TableWriter::load(const arrow::RecordBatch& batch) {
  if (options_.method == LoadMethod::kInsert) {
    RB_TRY(load_insert(batch));
  } else {
    RB_TRY(load_copy(batch));
  }
  if (!plan_->merge_sql.empty()) {
    auto merged = connection_.simple_query(plan_->merge_sql);
    if (!merged) return std::unexpected(merged.error());
  }
  return {};
}

void TableWriter::reject(const arrow::RecordBatch& row, const postgres::PgError& error) {
  ++records_failed_;
  if (options_.policies.on_data_error != protocol::DataErrorPolicy::kDlq) return;
  protocol::DlqRecord record;
  record.stream_name = options_.stream_name;
  record.record_json = arrow::row_json(row, 0);
  record.error =
      postgres_common::to_connector_error(error, "row rejected by " + options_.target.quoted());
  record.error.scope = protocol::ErrorScope::kPerRecord;
  ctx_.dlq(record);
}

sdk::Result<void> TableWriter::load_row_by_row(const arrow::RecordBatch& batch) {
  for (int64_t row = 0; row < batch.num_rows(); ++row) {
    const arrow::RecordBatch one = batch.slice(row, 1);
    RB_TRY(exec("SAVEPOINT rb_row", "cannot set a savepoint"));
    auto loaded = load(one);
    if (loaded) {
      ++records_written_;
      RB_TRY(exec("RELEASE SAVEPOINT rb_row", "cannot release a savepoint"));
      continue;
    }
    if (loaded.error().category != protocol::ErrorCategory::kData) {
      return postgres_common::fail_with(loaded.error(),
                                        "cannot write to " + options_.target.quoted());
    }
    RB_TRY(exec("ROLLBACK TO SAVEPOINT rb_row", "cannot roll back a savepoint"));
    reject(one, loaded.error());
  }
  return {};
}

sdk::Result<void> TableWriter::write(const arrow::RecordBatch& input) {
  if (!plan_ || !(plan_->input == input.schema() || *plan_->input == *input.schema())) {
    RB_TRY(close_copy());
    RB_TRY(prepare(input.schema()));
  }
  // A batch without rows brings only its schema: the table now exists.
  if (input.num_rows() == 0) return {};
  RB_TRY(ensure_transaction());
  arrow::RecordBatch batch = input;
  if (plan_->input_indices.size() != static_cast<size_t>(input.num_columns())) {
    std::vector<arrow::Array> columns;
    for (int i : plan_->input_indices) columns.push_back(input.column(i));
    batch = arrow::RecordBatch(plan_->projected, std::move(columns), input.num_rows());
  }
  if (!plan_->changes) return write_rows(batch);
  for (const ChangeSegment& segment : split_changes(input)) {
    sdk::Result<void> done;
    switch (segment.kind) {
      case ChangeSegment::Kind::kRows:
        done = write_rows(batch.slice(segment.offset, segment.length));
        break;
      case ChangeSegment::Kind::kTruncate:
        done = apply_truncate();
        break;
      case ChangeSegment::Kind::kPartialUpdate:
        done = write_partial_update(batch, segment.offset, segment.unchanged);
        break;
    }
    if (!done) return done;
  }
  return {};
}

sdk::Result<void> TableWriter::apply_truncate() {
  if (options_.slice) {
    // A slice's truncate is its snapshot's reset row: once per generation.
    SliceLedger reset(connection_, options_.target, options_.slice->generation,
                      protocol::WriteMode::kUpsert);
    RB_ASSIGN_OR_RETURN(bool first, reset.claim(nullptr, {}));
    if (!first) return {};
  }
  RB_TRY(exec(truncate_sql(options_.target.quoted(), options_.delete_mode),
              "cannot apply a truncate to " + options_.target.quoted()));
  ++records_written_;
  return {};
}

sdk::Result<void> TableWriter::write_partial_update(const arrow::RecordBatch& batch, int64_t row,
                                                    const std::vector<std::string>& unchanged) {
  std::string sets;
  std::string where;
  std::vector<postgres::Param> params;
  for (size_t c = 0; c < plan_->names.size(); ++c) {
    const std::string& name = plan_->names[c];
    const bool key = contains(options_.primary_key, name);
    if (!key && contains(unchanged, name)) continue;
    if (auto appended = append_param(batch, c, row, params); !appended) {
      return postgres_common::fail_with(appended.error(), "cannot encode column '" + name + "'");
    }
    std::string& list = key ? where : sets;
    if (!list.empty()) list += key ? " AND " : ", ";
    list += postgres_common::quote_identifier(name) + " = $" + std::to_string(params.size());
  }
  if (sets.empty()) return {};
  const std::string sql = "UPDATE " + options_.target.quoted() + " SET " + sets + " WHERE " + where;
  auto updated = connection_.query(sql, params, postgres::RowSink{});
  if (!updated) {
    return postgres_common::fail_with(updated.error(),
                                      "cannot apply an update to " + options_.target.quoted());
  }
  ++records_written_;
  return {};
}

sdk::Result<void> TableWriter::write_rows(const arrow::RecordBatch& batch) {
  if (keeps_copy_open()) {
    if (auto sent = stream_copy(batch); !sent) return abandon_transaction(sent.error());
    records_written_ += static_cast<uint64_t>(batch.num_rows());
    return {};
  }
  RB_TRY(close_copy());
  const bool isolate = options_.policies.on_data_error != protocol::DataErrorPolicy::kFail;
  if (isolate) {
    RB_TRY(exec("SAVEPOINT rb_batch", "cannot set a savepoint"));
  }
  auto loaded = load(batch);
  if (loaded) {
    records_written_ += static_cast<uint64_t>(batch.num_rows());
    if (isolate) return exec("RELEASE SAVEPOINT rb_batch", "cannot release a savepoint");
    return {};
  }
  const postgres::PgError& error = loaded.error();
  if (!isolate || error.category != protocol::ErrorCategory::kData) {
    return abandon_transaction(error);
  }
  RB_TRY(exec("ROLLBACK TO SAVEPOINT rb_batch", "cannot roll back a savepoint"));
  RB_TRY(load_row_by_row(batch));
  return exec("RELEASE SAVEPOINT rb_batch", "cannot release a savepoint");
}

sdk::Result<bool> TableWriter::commit() {
  if (options_.mode == protocol::WriteMode::kReplace || options_.commit_at_end || ledger_)
    return false;
  return commit_open_transaction();
}

sdk::Result<bool> TableWriter::commit_open_transaction() {
  if (!in_transaction_) return false;
  RB_TRY(close_copy());
  in_transaction_ = false;
  RB_TRY(commit_transaction(connection_));
  return true;
}

sdk::Result<void> TableWriter::finish() {
  RB_TRY(close_copy());
  if (ledger_) return finish_slice();
  if (options_.mode == protocol::WriteMode::kReplace) {
    RB_TRY(ensure_transaction());
    const std::string target = options_.target.quoted();
    if (staged_) {
      RB_TRY(exec(replace_swap_sql(options_.target), "cannot swap in the new " + target));
    } else {
      // No rows at all: the stream's data is empty.
      RB_ASSIGN_OR_RETURN(auto columns, load_table_columns(connection_, target));
      if (columns) {
        RB_TRY(exec("TRUNCATE " + target, "cannot empty " + target));
      }
    }
    // A whole write supersedes slices an earlier plan left unfinished (the
    // engine forgot them): their staging table and ledger go with it.
    RB_TRY(SliceLedger::discard(connection_, options_.target));
    in_transaction_ = false;
    return commit_transaction(connection_);
  }
  if (!options_.slice) {  // as above; upsert slices share the target with each other
    RB_TRY(ensure_transaction());
    RB_TRY(SliceLedger::discard(connection_, options_.target));
  }
  RB_TRY(commit_open_transaction());
  return {};
}

sdk::Result<void> TableWriter::finish_slice() {
  RB_TRY(ensure_transaction());
  // A slice without batches still counts: the ledger must be this
  // generation's before it records the slice.
  if (!staged_) RB_TRY(ledger_->claim(nullptr, options_.primary_key));
  RB_ASSIGN_OR_RETURN(SliceLedger::Record recorded, ledger_->record(options_.slice->index));
  if (recorded == SliceLedger::Record::kAlreadyCommitted) {
    in_transaction_ = false;
    RB_TRY(exec("ROLLBACK", "cannot roll back"));
    ctx_.log(protocol::LogLevel::kWarn,
             "slice " + std::to_string(options_.slice->index) + " of stream '" +
                 options_.stream_name + "' was committed by an earlier attempt; the " +
                 std::to_string(records_written_) + " rows of this one are rolled back");
    records_written_ = 0;
    return {};
  }
  RB_TRY(commit_open_transaction());
  return {};
}

}  // namespace rapidbyte::connectors::dest_postgres
