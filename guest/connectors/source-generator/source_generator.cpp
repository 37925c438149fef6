// source-generator: a source that needs no external system. It produces
// `rows` deterministic rows (see RowGenerator) as real Arrow IPC batches,
// for demos, tests and benchmarks of everything downstream of a source.
//
// Read: one self-contained IPC stream (schema, one record batch, end marker)
// per batch_emit, each under the stream's max_batch_bytes; stops at
// max_records; a source checkpoint (cursor "id", int64 = last row id) after
// each batch — or every checkpoint_interval_rows rows when set — and at the
// end, each counting the records and bytes since the previous one. An
// incremental read resumes after the last committed id. Discover: one stream
// describing the configured columns.
#include <algorithm>
#include <string>
#include <vector>

#include "guest/connectors/source-generator/row_generator.hpp"
#include "guest/sdk/sdk.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors {
namespace {

constexpr uint64_t kDefaultMaxBatchBytes = 4u << 20;
constexpr uint64_t kMaxRowsPerBatch = 65536;

class SourceGenerator final : public sdk::Source {
 public:
  sdk::Result<void> open(std::string_view config_json) override {
    auto config = sdk::JsonConfig::parse(config_json);
    if (!config) return std::unexpected(config.error());
    auto rows = config->get_u64("rows", 1000);
    auto seed = config->get_u64("seed", 42);
    auto stream = config->get_string("stream", "generated");
    if (!rows) return std::unexpected(rows.error());
    if (!seed) return std::unexpected(seed.error());
    if (!stream) return std::unexpected(stream.error());
    rows_ = *rows;
    seed_ = *seed;
    stream_ = *stream;
    const rapidjson::Value* columns = config->member("columns");
    if (columns == nullptr) {
      columns_ = default_columns();
      return {};
    }
    if (!columns->IsArray() || columns->Empty()) {
      return sdk::config_error("config field 'columns' must be a non-empty list");
    }
    for (const rapidjson::Value& c : columns->GetArray()) {
      auto name = c.IsObject() ? c.FindMember("name") : c.MemberEnd();
      auto type = c.IsObject() ? c.FindMember("type") : c.MemberEnd();
      if (!c.IsObject() || name == c.MemberEnd() || !name->value.IsString() ||
          type == c.MemberEnd() || !type->value.IsString()) {
        return sdk::config_error("each of 'columns' must be {\"name\": string, \"type\": string}");
      }
      std::optional<ColumnKind> kind = parse_column_kind(type->value.GetString());
      if (!kind) {
        return sdk::config_error(std::string("column '") + name->value.GetString() +
                                 "': type must be int64, float64, text, bool or timestamp");
      }
      if (find_column(name->value.GetString()) != nullptr) {
        return sdk::config_error(std::string("duplicate column '") + name->value.GetString() + "'");
      }
      columns_.push_back({name->value.GetString(), *kind});
    }
    return {};
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx,
                                        const protocol::RunRequest& request) override {
    switch (request.phase) {
      case protocol::RunPhase::kDiscover:
        return sdk::summary(discover(request.streams));
      case protocol::RunPhase::kRead:
        if (request.streams.size() != 1) {
          return sdk::internal_error("read needs exactly one stream", "GENERATOR_STREAMS");
        }
        return read(ctx, request.streams[0], request.max_records);
      case protocol::RunPhase::kTeardown:
        return sdk::summary(protocol::ReadSummary{});  // it creates nothing to release
      default:                                         // the SDK runs a source with no other phase
        return sdk::unsupported_phase(kRole, request.phase);
    }
  }

 private:
  const ColumnSpec* find_column(std::string_view name) const {
    auto it = std::ranges::find(columns_, name, &ColumnSpec::name);
    return it == columns_.end() ? nullptr : &*it;
  }

  // The configured stream, and each requested one: it generates any stream
  // it is asked for, all alike.
  protocol::Catalog discover(const std::vector<protocol::StreamContext>& requested) const {
    protocol::Catalog catalog{{describe(stream_)}};
    for (const protocol::StreamContext& s : requested) {
      if (s.stream_name != stream_) catalog.streams.push_back(describe(s.stream_name));
    }
    return catalog;
  }

  protocol::CatalogStream describe(const std::string& name) const {
    protocol::CatalogStream stream;
    stream.name = name;
    for (const ColumnSpec& c : columns_) {
      stream.columns.push_back({c.name, std::string(column_kind_name(c.kind)),
                                column_arrow_type(c.kind).to_string(), c.name != "id"});
    }
    if (find_column("id") != nullptr) {
      stream.primary_key = {"id"};
      stream.cursor_candidates = {"id"};
    }
    stream.sync_modes = {protocol::SyncMode::kFullRefresh, protocol::SyncMode::kIncremental};
    return stream;
  }

  // The configured columns, restricted to `selected` (in its order) if any.
  sdk::Result<std::vector<ColumnSpec>> project(const std::vector<std::string>& selected) const {
    if (selected.empty()) return columns_;
    std::vector<ColumnSpec> out;
    for (const std::string& name : selected) {
      const ColumnSpec* c = find_column(name);
      if (c == nullptr) return sdk::schema_error("unknown column '" + name + "'", "UNKNOWN_COLUMN");
      out.push_back(*c);
    }
    return out;
  }

  sdk::Result<protocol::RunSummary> read(sdk::Context& ctx, const protocol::StreamContext& stream,
                                         std::optional<uint64_t> max_records) {
    RB_ASSIGN_OR_RETURN(auto columns, project(stream.selected_columns));
    RowGenerator generator(std::move(columns), seed_);

    uint64_t next_id = 1;
    const auto* last = stream.last_cursor_value
                           ? std::get_if<protocol::cursor_kind::kInt64>(&*stream.last_cursor_value)
                           : nullptr;
    if (stream.sync_mode == protocol::SyncMode::kIncremental && last != nullptr && *last > 0) {
      next_id = static_cast<uint64_t>(*last) + 1;
    }
    uint64_t remaining = next_id <= rows_ ? rows_ - next_id + 1 : 0;
    if (max_records) remaining = std::min(remaining, *max_records);

    const uint64_t max_batch_bytes =
        stream.limits.max_batch_bytes ? stream.limits.max_batch_bytes : kDefaultMaxBatchBytes;
    // Schema and record batch metadata, generously.
    const uint64_t overhead = 1024 + 256 * generator.schema()->fields().size();
    uint64_t rows_per_batch =
        max_batch_bytes > overhead ? (max_batch_bytes - overhead) / generator.max_row_bytes() : 1;
    rows_per_batch = std::clamp<uint64_t>(rows_per_batch, 1, kMaxRowsPerBatch);

    protocol::ReadSummary summary;
    protocol::CheckpointInfo checkpoint{
        protocol::CheckpointKind::kSource, stream.stream_name, "id", std::nullopt, 0, 0};
    auto emit_checkpoint = [&] {
      checkpoint.cursor_value.emplace(std::in_place_index<protocol::cursor_kind::kInt64>,
                                      static_cast<int64_t>(next_id - 1));
      ctx.checkpoint(checkpoint);
      checkpoint.records = checkpoint.bytes = 0;
      ++summary.checkpoints;
    };

    std::vector<uint8_t> ipc;  // reused: its capacity survives each batch
    while (remaining > 0) {
      const uint64_t n = std::min(rows_per_batch, remaining);
      auto batch = generator.generate(next_id, n);
      if (!batch) return sdk::internal_error("generating rows: " + batch.error().message);
      arrow::IpcStreamWriter writer(generator.schema(), std::move(ipc));
      if (auto written = writer.write(*batch); !written) {
        return sdk::internal_error("encoding a batch: " + written.error().message);
      }
      ipc = writer.finish();
      if (ipc.size() > max_batch_bytes) {
        if (n == 1) {
          return sdk::config_error("max_batch_bytes " + std::to_string(max_batch_bytes) +
                                   " is smaller than one row");
        }
        rows_per_batch = n / 2;  // rows are deterministic: regenerate fewer
        ipc.clear();
        continue;
      }
      RB_TRY(ctx.batch_emit(ipc));
      next_id += n;
      remaining -= n;
      summary.records += n;
      summary.bytes += ipc.size();
      ++summary.batches;
      checkpoint.records += n;
      checkpoint.bytes += ipc.size();
      ipc.clear();
      const uint64_t interval = stream.limits.checkpoint_interval_rows;
      if (interval == 0 || checkpoint.records >= interval) emit_checkpoint();
    }
    if (summary.batches == 0) {
      // No rows: the stream's schema still goes on, as from any source, so
      // transforms bind and a destination creates its table.
      auto empty = arrow::RecordBatch::empty(generator.schema());
      if (!empty) return sdk::internal_error("an empty batch: " + empty.error().message);
      arrow::IpcStreamWriter writer(generator.schema(), std::move(ipc));
      if (auto written = writer.write(*empty); !written) {
        return sdk::internal_error("encoding an empty batch: " + written.error().message);
      }
      ipc = writer.finish();
      RB_TRY(ctx.batch_emit(ipc));
      summary.bytes += ipc.size();
      ++summary.batches;
    }
    if (checkpoint.records > 0 || summary.checkpoints == 0) emit_checkpoint();
    return sdk::summary(summary);
  }

  uint64_t rows_ = 1000;
  uint64_t seed_ = 42;
  std::string stream_ = "generated";
  std::vector<ColumnSpec> columns_;
};

}  // namespace
}  // namespace rapidbyte::connectors

RAPIDBYTE_EXPORT_SOURCE(rapidbyte::connectors::SourceGenerator)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "source-generator",
  "version": "0.1.0",
  "protocol_version": 4,
  "roles": ["source"],
  "description": "Generates deterministic synthetic rows (no external system).",
  "capabilities": {"sync_modes": ["full_refresh", "incremental"], "write_modes": []},
  "permissions": {"network": {"hosts": [], "hosts_from_config": []}, "env": [], "filesystem": []},
  "resources": {"memory_mb": 64},
  "config_schema": {
    "type": "object",
    "properties": {
      "rows": {"type": "integer", "minimum": 0, "default": 1000},
      "seed": {"type": "integer", "minimum": 0, "default": 42},
      "stream": {"type": "string", "minLength": 1, "default": "generated"},
      "columns": {
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "object",
          "required": ["name", "type"],
          "properties": {
            "name": {"type": "string", "minLength": 1},
            "type": {"enum": ["int64", "float64", "text", "bool", "timestamp"]}
          },
          "additionalProperties": false
        }
      }
    },
    "additionalProperties": false
  }
});
// clang-format on
