#include "host/cli/progress_reports.hpp"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>

namespace rapidbyte::cli {

namespace {

const char* phase_name(const engine::RunProgress::Stream& s) {
  return engine::phase_name(s.phase.load(std::memory_order_relaxed));
}

// A label value in the exposition format: backslash, quote and newline
// escaped.
std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}

}  // namespace

std::string progress_json_lines(const engine::RunProgress& progress, const std::string& pipeline,
                                std::chrono::duration<double> elapsed) {
  std::string out;
  for (const auto& s : progress.streams()) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    w.StartObject();
    w.Key("event");
    w.String("progress");
    w.Key("pipeline");
    w.String(pipeline.c_str());
    w.Key("stream");
    w.String(s.name.c_str());
    w.Key("phase");
    w.String(phase_name(s));
    w.Key("rows");
    w.Uint64(s.rows.load(std::memory_order_relaxed));
    w.Key("bytes");
    w.Uint64(s.bytes.load(std::memory_order_relaxed));
    w.Key("records_checkpointed");
    w.Uint64(s.records.load(std::memory_order_relaxed));
    if (const int64_t estimated = s.estimated_rows.load(std::memory_order_relaxed);
        estimated >= 0) {
      w.Key("estimated_rows");
      w.Int64(estimated);
    }
    if (const int64_t lag = s.lag_bytes.load(std::memory_order_relaxed); lag >= 0) {
      w.Key("lag_bytes");
      w.Int64(lag);
    }
    if (const int64_t ms = s.lag_ms.load(std::memory_order_relaxed); ms >= 0) {
      w.Key("lag_seconds");
      w.Double(static_cast<double>(ms) / 1000);
    }
    w.Key("attempt");
    w.Uint(s.attempt.load(std::memory_order_relaxed));
    w.Key("elapsed_seconds");
    w.Double(elapsed.count());
    w.EndObject();
    out.append(buffer.GetString(), buffer.GetSize());
    out += '\n';
  }
  return out;
}

std::string prometheus_metrics(const engine::RunProgress& progress, const std::string& pipeline,
                               std::chrono::duration<double> elapsed) {
  std::string out;
  auto family = [&](const char* name, const char* type, const char* help, auto value_of) {
    std::string samples;
    for (const auto& s : progress.streams()) {
      const auto value = value_of(s);
      if (!value) continue;
      samples += fmt::format("{}{{pipeline=\"{}\",stream=\"{}\"}} {}\n", name, label(pipeline),
                             label(s.name), *value);
    }
    if (samples.empty()) return;
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type) + samples;
  };
  using Stream = engine::RunProgress::Stream;
  auto relaxed = [](const auto& atomic) { return atomic.load(std::memory_order_relaxed); };
  auto present = [&](const std::atomic<int64_t>& atomic) -> std::optional<int64_t> {
    const int64_t v = relaxed(atomic);
    return v >= 0 ? std::optional(v) : std::nullopt;
  };
  family("rapidbyte_stream_rows_total", "counter", "Rows the source emitted, as they flow.",
         [&](const Stream& s) { return std::optional(relaxed(s.rows)); });
  family("rapidbyte_stream_bytes_total", "counter", "Arrow IPC bytes the source emitted.",
         [&](const Stream& s) { return std::optional(relaxed(s.bytes)); });
  family("rapidbyte_stream_records_checkpointed_total", "counter",
         "Records covered by the source's checkpoints.",
         [&](const Stream& s) { return std::optional(relaxed(s.records)); });
  family("rapidbyte_stream_estimated_rows", "gauge", "Rows the source expects the stream to have.",
         [&](const Stream& s) { return present(s.estimated_rows); });
  family("rapidbyte_stream_replication_lag_bytes", "gauge",
         "WAL bytes a cdc read is behind the server.",
         [&](const Stream& s) { return present(s.lag_bytes); });
  family("rapidbyte_stream_replication_lag_seconds", "gauge",
         "Seconds since the commit of the last change a cdc read received, while behind.",
         [&](const Stream& s) -> std::optional<double> {
           const auto ms = present(s.lag_ms);
           return ms ? std::optional(static_cast<double>(*ms) / 1000) : std::nullopt;
         });
  family("rapidbyte_stream_attempt", "gauge", "The stream's attempt (retries add one).",
         [&](const Stream& s) { return std::optional(relaxed(s.attempt)); });
  out +=
      "# HELP rapidbyte_stream_phase The stream's phase (1 for the current one).\n"
      "# TYPE rapidbyte_stream_phase gauge\n";
  for (const auto& s : progress.streams()) {
    out += fmt::format("rapidbyte_stream_phase{{pipeline=\"{}\",stream=\"{}\",phase=\"{}\"}} 1\n",
                       label(pipeline), label(s.name), phase_name(s));
  }
  out += fmt::format(
      "# HELP rapidbyte_run_elapsed_seconds Seconds since the run started.\n"
      "# TYPE rapidbyte_run_elapsed_seconds gauge\n"
      "rapidbyte_run_elapsed_seconds{{pipeline=\"{}\"}} {:.3f}\n",
      label(pipeline), elapsed.count());
  return out;
}

}  // namespace rapidbyte::cli
