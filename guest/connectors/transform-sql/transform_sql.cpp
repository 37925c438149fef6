// transform-sql: runs one SQL query (portable/sql, see docs/SQL.md) over
// every batch of a stream, as table `input`, and emits the result.
//
// `open` parses the query, so a syntax error is a config error that names
// its line and column. `validate` adds the checks that need no schema (the
// table, function names). The input schema is known only with the first
// batch: the query is bound then, and again whenever the schema changes.
// An sdk::BatchTransform: each incoming Arrow IPC stream is decoded (only
// the columns the query reads), every record batch in it run through the
// plan, and the results emitted as one IPC stream — also when no row passes
// (emit_emptied_streams), so that downstream sees the schema. A value that
// cannot be computed (overflow, bad cast, division by zero) fails the run
// with a data error naming the row and the expression — unless the stream's
// on_data_error is skip or dlq and the query works row by row: then only
// that row is set aside. now() is the run's start.
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "guest/sdk/sdk.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/pretty_print.hpp"
#include "portable/base/try.hpp"
#include "portable/sql/query.hpp"

namespace rapidbyte::connectors {
namespace {

using sdk::BatchPosition;

// Microseconds since the epoch, from the WASI wall clock.
int64_t wall_clock_micros() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

// A query that does not fit the batch's schema (a config error: the query
// must change), or a value it cannot compute (a data error naming the row,
// 0-based like the engine's, in the batch and in the stream).
std::unexpected<protocol::ConnectorError> run_error(const sql::SqlError& error,
                                                    const sql::Query& query,
                                                    const BatchPosition& at) {
  if (error.kind != sql::ErrorKind::kData) {
    return sdk::config_error(sql::describe(error, query.text()), "SQL_BIND");
  }
  std::string message = "batch " + std::to_string(at.batch);
  if (error.row >= 0) {
    const uint64_t row = at.first_row + static_cast<uint64_t>(error.row);
    message +=
        ", row " + std::to_string(error.row) + " (row " + std::to_string(row) + " of the stream)";
  }
  message += ": " + error.message;
  if (!error.expression.empty()) message += " in \"" + error.expression + "\"";
  return sdk::data_error(std::move(message), "SQL_DATA");
}

class TransformSql final : public sdk::BatchTransform {
 public:
  TransformSql() : sdk::BatchTransform({.emit_emptied_streams = true}) {}

  sdk::Result<void> open(std::string_view config_json) override {
    RB_ASSIGN_OR_RETURN(auto config, sdk::JsonConfig::parse(config_json));
    RB_ASSIGN_OR_RETURN(auto text, config.require_string("query"));
    auto query = sql::Query::prepare(text);
    if (!query) {
      return sdk::config_error("query: " + sql::describe(query.error(), text), "SQL_SYNTAX");
    }
    query_.emplace(std::move(*query));
    return {};
  }

  sdk::Result<protocol::ValidationReport> validate(sdk::Context&) override {
    protocol::ValidationReport report;
    protocol::ValidationCheck check{"query", protocol::CheckStatus::kPassed, ""};
    if (auto checked = query_->check(); !checked) {
      check.status = protocol::CheckStatus::kFailed;
      check.message = sql::describe(checked.error(), query_->text());
      report.status = protocol::CheckStatus::kFailed;
    } else {
      check.message = "parses; functions exist (columns are bound on the first batch)";
    }
    report.checks.push_back(std::move(check));
    return report;
  }

 private:
  sdk::Result<void> begin_run(sdk::Context& /*ctx*/, const protocol::RunRequest& request) override {
    query_->set_env(sql::FunctionEnv{wall_clock_micros()});
    input_schema_.reset();
    stream_.clear();
    on_data_error_ = protocol::DataErrorPolicy::kFail;
    if (!request.streams.empty()) {
      stream_ = request.streams.front().stream_name;
      on_data_error_ = request.streams.front().policies.on_data_error;
    }
    return {};
  }

  sdk::Result<void> begin_stream(sdk::Context& /*ctx*/, arrow::IpcStreamReader& reader,
                                 const BatchPosition& at) override {
    whole_.reset();  // views into the previous stream's bytes
    whole_at_ = {UINT64_MAX, 0};
    return project(reader, at);
  }

  // The output stream is started with the query's output schema even when
  // no row comes out (a batch without rows writes no record batch).
  sdk::Result<sdk::BatchVerdict> transform_batch(sdk::Context& ctx, const arrow::RecordBatch& input,
                                                 const BatchPosition& at,
                                                 sdk::BatchOutput& out) override {
    if (auto bound = query_->bind(input.schema()); !bound) {
      return run_error(bound.error(), *query_, at);
    }
    RB_TRY(out.set_schema(query_->output_schema()));
    RB_TRY(transform(ctx, input, 0, input.num_rows(), at, out));
    return sdk::BatchVerdict::kReplaced;
  }

  void end_run(sdk::Context& /*ctx*/) override { whole_.reset(); }

  // Runs the query over rows [begin, end) of `input` into `out`. A data
  // error fails the run unless the stream's on_data_error is skip or dlq and
  // the query works row by row: then the failing row is set aside (logged,
  // or sent to the dead-letter queue) and the rows before and after it run
  // on their own, in order. The rows after are a loop (any number of failing
  // rows) over chunks that start at one row after a failure and double while
  // they pass, so that a batch of failing rows costs linear, not quadratic,
  // time; the rows before are a recursion whose depth is bounded by the
  // plan's expressions, since every one that ran before the failure has
  // already passed them.
  sdk::Result<void> transform(sdk::Context& ctx, const arrow::RecordBatch& input, int64_t begin,
                              int64_t end, const BatchPosition& at, sdk::BatchOutput& out) {
    int64_t chunk = end - begin;
    while (begin < end) {
      const int64_t stop = std::min(end, begin + chunk);
      const bool whole = begin == 0 && stop == input.num_rows();
      auto result = query_->execute(whole ? input : input.slice(begin, stop - begin));
      if (result) {
        RB_TRY(out.append(*result));
        begin = stop;
        chunk *= 2;
        continue;
      }
      sql::SqlError error = std::move(result.error());
      if (error.row >= 0) error.row += begin;  // relative to the slice
      if (error.kind != sql::ErrorKind::kData || error.row < 0 ||
          on_data_error_ == protocol::DataErrorPolicy::kFail || !query_->row_by_row()) {
        return run_error(error, *query_, at);
      }
      RB_TRY(transform(ctx, input, begin, error.row, at, out));
      set_aside(ctx, input, error, at);
      begin = error.row + 1;
      chunk = 1;
    }
    return {};
  }

  // A row the query could not compute, under on_data_error skip or dlq. The
  // dead letter holds the whole input row: the batch is decoded again with
  // every column (once per batch), or, if that fails, the columns the query
  // reads.
  void set_aside(sdk::Context& ctx, const arrow::RecordBatch& input, const sql::SqlError& error,
                 const BatchPosition& at) {
    protocol::ConnectorError e = run_error(error, *query_, at).error();
    e.scope = protocol::ErrorScope::kPerRecord;
    if (on_data_error_ == protocol::DataErrorPolicy::kSkip) {
      ctx.warn("skipped: " + e.message);
      return;
    }
    protocol::DlqRecord record;
    record.stream_name = stream_;
    const arrow::RecordBatch* full = whole_batch(at);
    record.record_json = arrow::row_json(full ? *full : input, error.row);
    record.error = std::move(e);
    ctx.dlq(record);
  }

  // The batch at `at` with every column (not just those the query reads),
  // kept for the batch's next dead letters; null when it cannot be decoded.
  const arrow::RecordBatch* whole_batch(const BatchPosition& at) {
    if (whole_at_ != std::pair(at.batch, at.record_batch)) {
      whole_.reset();
      whole_at_ = {at.batch, at.record_batch};
      whole_ = decode_whole(at);
    }
    return whole_ ? &*whole_ : nullptr;
  }

  static std::optional<arrow::RecordBatch> decode_whole(const BatchPosition& at) {
    auto reader = arrow::IpcStreamReader::open(at.bytes);
    if (!reader) return std::nullopt;
    for (int i = 0;; ++i) {
      auto batch = reader->next();
      if (!batch || !*batch) return std::nullopt;
      if (i == at.record_batch) return std::move(*batch);
    }
  }

  // Binds the query to the stream's schema when it is new, and has the
  // reader decode only the columns the query reads: the others are never
  // validated (UTF-8, offsets), which for a narrow query over wide rows is
  // most of the decoding cost.
  sdk::Result<void> project(arrow::IpcStreamReader& reader, const BatchPosition& at) {
    const auto& schema = reader.schema();
    if (!input_schema_ || !(*input_schema_ == *schema)) {
      if (auto bound = query_->bind(schema); !bound) return run_error(bound.error(), *query_, at);
      columns_ = query_->input_columns();
      input_schema_ = schema;
    }
    if (static_cast<int>(columns_.size()) == schema->num_fields()) return {};
    if (auto ok = reader.project(columns_); !ok) return sdk::internal_error(ok.error().message);
    return {};
  }

  std::optional<sql::Query> query_;  // set by open
  std::string stream_;               // of the current run
  protocol::DataErrorPolicy on_data_error_ = protocol::DataErrorPolicy::kFail;
  // See whole_batch(); views into the current stream's bytes, so reset
  // before they are freed.
  std::optional<arrow::RecordBatch> whole_;
  std::pair<uint64_t, int> whole_at_{UINT64_MAX, 0};
  std::shared_ptr<const arrow::Schema> input_schema_;  // of the last stream, unprojected
  std::vector<int> columns_;                           // of input_schema_ the query reads
};

}  // namespace
}  // namespace rapidbyte::connectors

RAPIDBYTE_EXPORT_TRANSFORM(rapidbyte::connectors::TransformSql)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "transform-sql",
  "version": "0.1.0",
  "description": "Runs a SQL query over every batch (table input): filter, project, compute columns.",
  RAPIDBYTE_MANIFEST_SANDBOXED_TRANSFORM,
  "resources": {"memory_mb": 256},
  "config_schema": {
    "type": "object",
    "properties": {
      "query": {"type": "string", "minLength": 1,
                "description": "One SELECT over table input, e.g. SELECT id, amount * 2 AS doubled FROM input WHERE amount > 0"}
    },
    "required": ["query"],
    "additionalProperties": false
  }
});
// clang-format on
