// source-file: reads each stream from the Parquet, CSV or JSON Lines files
// under <path>/<stream>/ (recursively), through the directory the pipeline
// grants read-only. Hive-style directories (region=eu/) become text columns
// of the rows below them, unless the files hold a column of that name
// already. Text files are typed by text_values.hpp, with the schema of the
// stream's first file; a record that is not a row follows on_data_error.
//
// Full refresh reads every file. Incremental reads the files not read
// before: the stream's cursor is the connector's own ReadPosition (no
// cursor_field), advanced at the stream's checkpoint intervals, so a rerun
// after a crash continues exactly where the destination's last commit
// ended.
#include <time.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "guest/connectors/file-common/local_files.hpp"
#include "guest/connectors/file-common/s3_manifest.hpp"
#include "guest/connectors/source-file/data_files.hpp"
#include "guest/connectors/source-file/file_store.hpp"
#include "guest/connectors/source-file/read_progress.hpp"
#include "guest/connectors/source-file/text_rows.hpp"
#include "guest/sdk/sdk.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/value_formatter.hpp"
#include "portable/base/try.hpp"
#include "portable/parquet/file_reader.hpp"

namespace rapidbyte::connectors::source_file {
namespace {

// Rows of a text file put in one batch before it is emitted.
constexpr int64_t kTextBatchRows = 16384;

struct SourceOptions {
  std::optional<TextOptions> text;  // csv, jsonl; parquet without

  bool wants(std::string_view name) const {
    if (!text) return name.ends_with(".parquet");
    if (text->format == TextFormat::kCsv) return has_text_extension(name, ".csv");
    return has_text_extension(name, ".jsonl") || has_text_extension(name, ".ndjson");
  }
};

// A failed read: the store's own error when it has one (an object storage
// failure keeps its category), else `error`.
std::unexpected<protocol::ConnectorError> read_error(FileStore& store,
                                                     protocol::ConnectorError error) {
  if (auto failure = store.take_failure()) return std::unexpected(std::move(*failure));
  return std::unexpected(std::move(error));
}

// A Parquet file that could not be read: the store's error, or a file that
// is not what its name says.
std::unexpected<protocol::ConnectorError> file_error(FileStore& store, const std::string& name,
                                                     const std::string& message) {
  return read_error(
      store,
      sdk::make_error(protocol::ErrorCategory::kData,
                      "'" + name + "' is not a readable Parquet file: " + message, "BAD_FILE"));
}

// The schema a stream's files are read with: a Parquet file's own, or the
// typed columns of the first text file.
struct FileSchema {
  std::shared_ptr<const arrow::Schema> schema;
  std::vector<TextType> text_types;
};

// How messages name `file` of directory `dir`.
std::string name_of(const FileStore& store, const std::string& dir, const DataFile& file) {
  return store.name_of(files::join_path(dir, file.relative));
}

sdk::Result<FileSchema> schema_of(FileStore& store, const std::string& dir, const DataFile& file,
                                  const SourceOptions& options) {
  const std::string name = name_of(store, dir, file);
  RB_ASSIGN_OR_RETURN(auto input, store.open(dir, file));
  if (options.text) {
    auto rows = TextRows::open(name, std::move(input), *options.text);
    if (!rows) return read_error(store, rows.error());
    auto typed = text_schema(**rows, *options.text);
    if (!typed) return read_error(store, typed.error());
    return FileSchema{typed->first, typed->second};
  }
  auto reader = parquet::FileReader::open(*input);
  if (!reader) return file_error(store, name, reader.error().message);
  return FileSchema{(*reader)->schema(), {}};
}

int64_t now_ns() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

// `batch` with the partition columns of `file` the batch does not hold
// (text, NULL for __HIVE_DEFAULT_PARTITION__), then only the selected
// columns (all when none are).
sdk::Result<arrow::RecordBatch> shape(const arrow::RecordBatch& batch, const DataFile& file,
                                      const std::vector<std::string>& keys,
                                      const std::vector<std::string>& selected) {
  std::vector<arrow::Field> fields = batch.schema()->fields();
  std::vector<arrow::Array> columns = batch.columns();
  for (const std::string& key : keys) {
    if (batch.schema()->field_index(key) >= 0) continue;
    const auto it = std::find_if(file.partitions.begin(), file.partitions.end(),
                                 [&](const HivePartition& p) { return p.key == key; });
    arrow::StringBuilder values;
    values.reserve(batch.num_rows());
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      if (it == file.partitions.end() || !it->value) {
        values.append_null();
      } else {
        values.append(std::string_view(*it->value));
      }
    }
    auto array = values.finish();
    if (!array)
      return sdk::internal_error("cannot build column '" + key + "': " + array.error().message);
    fields.push_back(arrow::field(key, arrow::utf8()));
    columns.push_back(std::move(*array));
  }
  if (!selected.empty()) {
    std::vector<arrow::Field> kept_fields;
    std::vector<arrow::Array> kept_columns;
    for (const std::string& name : selected) {
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i].name != name) continue;
        kept_fields.push_back(fields[i]);
        kept_columns.push_back(columns[i]);
      }
    }
    fields = std::move(kept_fields);
    columns = std::move(kept_columns);
  }
  return arrow::RecordBatch(
      std::make_shared<arrow::Schema>(std::move(fields), batch.schema()->metadata()),
      std::move(columns), batch.num_rows());
}

// Reads one stream: its files, or those not taken before.
class StreamRead {
 public:
  StreamRead(sdk::Context& ctx, const protocol::StreamContext& stream, FileStore& store,
             const SourceOptions& options, std::optional<uint64_t> max_records)
      : ctx_(ctx),
        stream_(stream),
        store_(store),
        dir_(stream.stream_name),
        options_(options),
        max_records_(max_records),
        emitter_(ctx, stream),
        incremental_(stream.sync_mode == protocol::SyncMode::kIncremental) {}

  sdk::Result<protocol::ReadSummary> run() {
    RB_ASSIGN_OR_RETURN(auto files, store_.data_files(dir_, [this](std::string_view name) {
      return options_.wants(name);
    }));
    keys_ = partition_keys(files);
    std::optional<std::string> cursor;
    if (incremental_ && stream_.last_cursor_value) {
      const auto* text = std::get_if<protocol::cursor_kind::kText>(&*stream_.last_cursor_value);
      cursor = text != nullptr ? *text : std::string();
    }
    progress_ = decode_progress(cursor, store_.holds_objects());
    if (!progress_) {
      return sdk::config_error("stream '" + stream_.stream_name +
                               "': its stored cursor is not a position of source-file; reset "
                               "the stream's state to read it again from the start");
    }
    // Local files are taken in the order they changed, once settled;
    // objects appear whole and are tracked one by one.
    const int64_t settled_before =
        now_ns() - std::chrono::duration_cast<std::chrono::nanoseconds>(kSettleTime).count();
    uint64_t unsettled = 0;
    for (const DataFile& file : files) {
      if (done()) break;
      const uint64_t skip = incremental_ ? progress_->rows_taken(file) : 0;
      if (skip == ReadProgress::kWhole) continue;
      if (incremental_ && !store_.holds_objects() && file.change_time_ns > settled_before) {
        ++unsettled;
        continue;
      }
      if (options_.text) {
        RB_TRY(read_text_file(file, skip));
      } else {
        RB_TRY(read_file(file, skip));
      }
    }
    if (unsettled > 0) {
      ctx_.info("stream '" + stream_.stream_name + "': " + std::to_string(unsettled) +
                " file(s) changed in the last " + std::to_string(kSettleTime.count()) +
                " s are left for the next run");
    }
    if (emitter_.summary().records == 0 && schema_ && !incremental_) {
      RB_TRY(emitter_.emit_empty(schema_));
    }
    checkpoint();
    return emitter_.summary();
  }

 private:
  bool done() const { return max_records_ && emitter_.summary().records >= *max_records_; }

  void checkpoint() {
    std::optional<protocol::CursorValue> cursor;
    if (incremental_) {
      if (auto text = progress_->encode()) {
        cursor.emplace(std::in_place_index<protocol::cursor_kind::kText>, std::move(*text));
      }
    }
    emitter_.checkpoint(std::nullopt, std::move(cursor));
  }

  sdk::Result<void> read_file(const DataFile& file, uint64_t skip) {
    const std::string path = name_of(store_, dir_, file);
    RB_ASSIGN_OR_RETURN(auto input, store_.open(dir_, file));
    auto reader = parquet::FileReader::open(*input);
    if (!reader) return file_error(store_, path, reader.error().message);
    uint64_t first_row = 0;
    const uint64_t target = sdk::batch_target_bytes(
        stream_.limits, static_cast<size_t>((*reader)->schema()->num_fields()));
    for (int g = 0; g < (*reader)->num_row_groups() && !done(); ++g) {
      const parquet::RowGroup& group = (*reader)->metadata().row_groups[static_cast<size_t>(g)];
      const uint64_t rows = static_cast<uint64_t>(std::max<int64_t>(group.num_rows, 0));
      if (first_row + rows <= skip) {
        first_row += rows;
        continue;
      }
      auto batch = (*reader)->read_row_group(g);
      if (!batch) return file_error(store_, path, batch.error().message);
      RB_ASSIGN_OR_RETURN(auto shaped, shape(*batch, file, keys_, stream_.selected_columns));
      if (!schema_) schema_ = shaped.schema();
      // Pieces of about the batch size, by the row group's uncompressed size.
      const uint64_t bytes = static_cast<uint64_t>(std::max<int64_t>(group.total_byte_size, 1));
      const int64_t piece_rows = std::max<int64_t>(
          1, static_cast<int64_t>(rows * std::min<uint64_t>(target, bytes) / bytes));
      int64_t offset = static_cast<int64_t>(std::max(skip, first_row) - first_row);
      while (offset < shaped.num_rows() && !done()) {
        int64_t length = std::min(piece_rows, shaped.num_rows() - offset);
        if (max_records_) {
          length = std::min<int64_t>(
              length, static_cast<int64_t>(*max_records_ - emitter_.summary().records));
        }
        const uint64_t piece_start = first_row + static_cast<uint64_t>(offset);
        RB_TRY(emitter_.emit(shaped.slice(offset, length), [&](int64_t emitted) {
          progress_->take(file, piece_start + static_cast<uint64_t>(emitted), false);
          if (emitter_.checkpoint_due()) checkpoint();
        }));
        offset += length;
      }
      first_row += rows;
    }
    // Past the file's last row, even when it has none.
    if (!done() && incremental_) progress_->take(file, first_row, true);
    return {};
  }

  // A text file's rows, in batches of kTextBatchRows; its progress counts
  // records (refused ones too), so a rerun skips exactly those taken.
  sdk::Result<void> read_text_file(const DataFile& file, uint64_t skip) {
    const std::string path = name_of(store_, dir_, file);
    if (!text_schema_) {
      RB_ASSIGN_OR_RETURN(auto schema, schema_of(store_, dir_, file, options_));
      text_schema_ = std::move(schema);
      for (const arrow::Field& field : text_schema_->schema->fields()) names_.push_back(field.name);
    }
    RB_ASSIGN_OR_RETURN(auto input, store_.open(dir_, file));
    auto opened = TextRows::open(path, std::move(input), *options_.text);
    if (!opened) return read_error(store_, opened.error());
    std::unique_ptr<TextRows> rows = std::move(*opened);
    TextBatchBuilder builder(text_schema_->schema, text_schema_->text_types);
    std::vector<uint64_t> records_after;  // per built row: records consumed through it
    uint64_t records = 0;
    TextRow row;
    std::vector<TextCell> cells;
    auto flush = [&]() -> sdk::Result<void> {
      if (builder.rows() == 0) return {};
      RB_ASSIGN_OR_RETURN(auto batch, as_data_result(builder.finish()));
      RB_ASSIGN_OR_RETURN(auto shaped, shape(batch, file, keys_, stream_.selected_columns));
      if (!schema_) schema_ = shaped.schema();
      RB_TRY(emitter_.emit(shaped, [&](int64_t emitted) {
        progress_->take(file, records_after[static_cast<size_t>(emitted - 1)], false);
        if (emitter_.checkpoint_due()) checkpoint();
      }));
      records_after.clear();
      return {};
    };
    while (!done_after(builder.rows())) {
      auto any = rows->next(names_, row);
      if (!any) return read_error(store_, any.error());
      if (!*any) break;
      if (++records <= skip) continue;
      std::optional<std::string> refusal = std::move(row.refusal);
      if (!refusal) {
        cells.clear();
        for (const auto& cell : row.cells) {
          cells.push_back(cell ? TextCell(std::string_view(*cell)) : TextCell());
        }
        refusal = builder.add_row(cells);
        if (!refusal) records_after.push_back(records);
      }
      if (refusal) RB_TRY(refuse(path, row, *refusal));
      if (builder.rows() >= kTextBatchRows) RB_TRY(flush());
    }
    RB_TRY(flush());
    if (!done() && incremental_) progress_->take(file, records, true);
    return {};
  }

  // Whether the record limit is reached, counting `pending` rows not yet
  // emitted.
  bool done_after(int64_t pending) const {
    return max_records_ &&
           emitter_.summary().records + static_cast<uint64_t>(pending) >= *max_records_;
  }

  // A record that is not a row, by the stream's on_data_error.
  sdk::Result<void> refuse(const std::string& path, const TextRow& row,
                           const std::string& refusal) {
    const std::string where = "stream '" + stream_.stream_name + "': '" + path + "' line " +
                              std::to_string(row.line) + ": " + refusal;
    switch (stream_.policies.on_data_error) {
      case protocol::DataErrorPolicy::kFail:
        return sdk::data_error(where + " (on_data_error is fail)", "BAD_RECORD");
      case protocol::DataErrorPolicy::kSkip:
        ctx_.warn("skipped " + where);
        return {};
      case protocol::DataErrorPolicy::kDlq: {
        protocol::DlqRecord record;
        record.stream_name = stream_.stream_name;
        std::string json = "{\"file\":";
        arrow::append_json_string(path, json);
        json += ",\"line\":" + std::to_string(row.line) + ",\"cells\":[";
        for (size_t i = 0; i < row.cells.size(); ++i) {
          if (i > 0) json += ',';
          if (row.cells[i]) {
            arrow::append_json_string(*row.cells[i], json);
          } else {
            json += "null";
          }
        }
        record.record_json = json + "]}";
        record.error = sdk::make_error(protocol::ErrorCategory::kData, where, "BAD_RECORD");
        record.error.scope = protocol::ErrorScope::kPerRecord;
        ctx_.dlq(record);
        return {};
      }
    }
    return {};
  }

  sdk::Context& ctx_;
  const protocol::StreamContext& stream_;
  FileStore& store_;
  std::string dir_;  // the stream's directory, relative to the store's root
  const SourceOptions& options_;
  std::optional<FileSchema> text_schema_;
  std::vector<std::string> names_;  // the text schema's column names
  std::optional<uint64_t> max_records_;
  sdk::BatchEmitter emitter_;
  bool incremental_;
  std::unique_ptr<ReadProgress> progress_;
  std::vector<std::string> keys_;
  std::shared_ptr<const arrow::Schema> schema_;
};

class SourceFile final : public sdk::Source {
 public:
  sdk::Result<void> open(std::string_view config_json) override {
    RB_ASSIGN_OR_RETURN(auto config, sdk::JsonConfig::parse(config_json));
    RB_ASSIGN_OR_RETURN(root_, config.require_string("path"));
    RB_ASSIGN_OR_RETURN(bucket_, files::S3Location::parse(root_, "path"));
    if (bucket_) {
      RB_ASSIGN_OR_RETURN(auto settings, files::S3Settings::from_config(config));
      s3_.emplace(std::move(settings));
    }
    RB_ASSIGN_OR_RETURN(auto format, config.get_string("format", "parquet"));
    if (format == "parquet") return {};
    if (format != "csv" && format != "jsonl") {
      return sdk::config_error("config field 'format' must be parquet, csv or jsonl; got '" +
                               format + "'");
    }
    TextOptions text;
    text.format = format == "csv" ? TextFormat::kCsv : TextFormat::kJsonLines;
    RB_ASSIGN_OR_RETURN(text.dialect.delimiter, config.get_char("delimiter", ','));
    RB_ASSIGN_OR_RETURN(text.dialect.quote, config.get_char("quote", '"'));
    RB_ASSIGN_OR_RETURN(text.dialect.escape, config.get_char("escape", text.dialect.quote));
    RB_ASSIGN_OR_RETURN(text.null_string, config.get_string("null_string", ""));
    RB_ASSIGN_OR_RETURN(text.header, config.get_bool("header", true));
    RB_ASSIGN_OR_RETURN(auto infer_rows, config.get_u64("infer_rows", text.infer_rows));
    text.infer_rows = static_cast<size_t>(std::max<uint64_t>(infer_rows, 1));
    if (const rapidjson::Value* columns = config.member("columns")) {
      for (const auto& column : columns->GetObject()) {
        const std::string name(column.name.GetString(), column.name.GetStringLength());
        const std::string type = column.value.IsString() ? column.value.GetString() : "";
        auto parsed = text_type_named(type);
        if (!parsed) {
          return sdk::config_error("config field 'columns." + name + "': unknown type '" + type +
                                   "'; expected text, int64, float64, bool, date, timestamp, "
                                   "timestamptz or decimal(p,s)");
        }
        text.columns[name] = *parsed;
      }
    }
    options_.text = std::move(text);
    return {};
  }

  sdk::Result<protocol::ValidationReport> validate(sdk::Context& ctx) override {
    protocol::ValidationReport report;
    auto streams = with_store(ctx, [](FileStore& store) { return store.directories(); });
    report.checks.push_back(
        {"directory " + root_,
         streams ? protocol::CheckStatus::kPassed : protocol::CheckStatus::kFailed,
         streams ? std::to_string(streams->size()) + " stream directories under '" + root_ + "'"
                 : streams.error().message});
    if (!streams) report.status = protocol::CheckStatus::kFailed;
    return report;
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx,
                                        const protocol::RunRequest& request) override {
    if (request.phase == protocol::RunPhase::kDiscover) {
      return with_store(ctx, [this](FileStore& store) { return discover(store); });
    }
    if (request.phase == protocol::RunPhase::kTeardown) {
      return sdk::summary(protocol::ReadSummary{});  // nothing kept outside the files
    }
    if (request.phase != protocol::RunPhase::kRead) {
      return sdk::unsupported_phase(protocol::ConnectorRole::kSource, request.phase);
    }
    if (request.streams.size() != 1) {
      return sdk::internal_error("read needs exactly one stream", "BAD_STREAMS");
    }
    const protocol::StreamContext& stream = request.streams[0];
    if (stream.sync_mode == protocol::SyncMode::kCdc) {
      return sdk::config_error("stream '" + stream.stream_name +
                               "': source-file reads full_refresh or incremental, not cdc");
    }
    return with_store(ctx, [&](FileStore& store) -> sdk::Result<protocol::RunSummary> {
      StreamRead read(ctx, stream, store, options_, request.max_records);
      RB_ASSIGN_OR_RETURN(auto summary, read.run());
      return sdk::summary(summary);
    });
  }

 private:
  // Calls `use` with the store of the config's path: the local directory,
  // or the bucket through a client of this call's context.
  template <class Use>
  auto with_store(sdk::Context& ctx, Use&& use) -> decltype(use(std::declval<FileStore&>())) {
    if (!bucket_) {
      auto store = local_store(root_);
      return use(*store);
    }
    RB_ASSIGN_OR_RETURN(auto client, files::connect_s3(ctx, *s3_));
    auto store = s3_store(client, *bucket_);
    return use(*store);
  }

  // A stream per directory; its columns are those of its first file, then
  // its partition keys.
  sdk::Result<protocol::RunSummary> discover(FileStore& store) const {
    protocol::Catalog catalog;
    RB_ASSIGN_OR_RETURN(auto streams, store.directories());
    for (const std::string& name : streams) {
      protocol::CatalogStream stream;
      stream.name = name;
      stream.sync_modes = {protocol::SyncMode::kFullRefresh, protocol::SyncMode::kIncremental};
      RB_ASSIGN_OR_RETURN(auto data_files, store.data_files(name, [this](std::string_view file) {
        return options_.wants(file);
      }));
      if (!data_files.empty()) {
        RB_ASSIGN_OR_RETURN(auto file_schema, schema_of(store, name, data_files.front(), options_));
        const arrow::Schema& schema = *file_schema.schema;
        for (int i = 0; i < schema.num_fields(); ++i) {
          const arrow::Field& field = schema.field(i);
          const std::string type = field.type.to_string();
          stream.columns.push_back({field.name, type, type, field.nullable});
        }
        for (const std::string& key : partition_keys(data_files)) {
          if (schema.field_index(key) >= 0) continue;
          stream.columns.push_back({key, "hive partition", "utf8", true});
        }
      }
      catalog.streams.push_back(std::move(stream));
    }
    protocol::RunSummary summary;
    summary.catalog = std::move(catalog);
    return summary;
  }

  std::string root_;
  std::optional<files::S3Location> bucket_;  // an s3:// path
  std::optional<files::S3Settings> s3_;
  SourceOptions options_;
};

}  // namespace
}  // namespace rapidbyte::connectors::source_file

RAPIDBYTE_EXPORT_SOURCE(rapidbyte::connectors::source_file::SourceFile)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "source-file",
  "version": "0.1.0",
  "protocol_version": 4,
  "roles": ["source"],
  "description": "Reads each stream from the Parquet, CSV or JSON Lines files under <path>/<stream>/ (recursively; Hive partition directories become columns), on local disk or in an S3-compatible bucket; incremental reads take only files not read before.",
  "capabilities": {"sync_modes": ["full_refresh", "incremental"], "cursor": "connector"},
  "permissions": {"network": {"hosts": [], "hosts_from_config": ["endpoint"]},
                  "env": [RAPIDBYTE_S3_ENVIRONMENT],
                  "filesystem": [{"from_config": "path", "access": "read"}]},
  "resources": {"memory_mb": 512},
  "config_schema": {
    "type": "object",
    "required": ["path"],
    "properties": {
      "path": {"type": "string", "minLength": 1,
               "description": "Directory of the streams: stream <name> reads <path>/<name>/. Relative paths are taken from the working directory; s3://bucket/prefix reads objects (with endpoint and credentials)."},
      RAPIDBYTE_S3_PROPERTIES,
      "format": {"enum": ["parquet", "csv", "jsonl"], "default": "parquet",
                 "description": "File format: *.parquet; *.csv; *.jsonl or *.ndjson; text files also compressed (.gz, .zst)."},
      "delimiter": {"type": "string", "minLength": 1, "maxLength": 1, "default": ",",
                    "description": "csv: the field delimiter."},
      "quote": {"type": "string", "minLength": 1, "maxLength": 1, "default": "\"",
                "description": "csv: the quote character."},
      "escape": {"type": "string", "minLength": 1, "maxLength": 1,
                 "description": "csv: the character before a quote inside a quoted field; by default the quote itself (a doubled quote)."},
      "null_string": {"type": "string", "default": "",
                      "description": "csv: an unquoted field with this text is NULL (a quoted one never is)."},
      "header": {"type": "boolean", "default": true,
                 "description": "csv: the first line names the columns; without it they are column1, column2, ..."},
      "columns": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1},
                  "description": "csv, jsonl: the type of a column: text, int64, float64, bool, date, timestamp, timestamptz or decimal(p,s), e.g. {\"amount\": \"decimal(12,2)\"}; the others are inferred from the first file."},
      "infer_rows": {"type": "integer", "minimum": 1, "default": 1000,
                     "description": "csv, jsonl: the records of the first file that the column names and types are inferred from."}
    },
    "additionalProperties": false
  }
});
// clang-format on
