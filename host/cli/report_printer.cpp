#include "host/cli/report_printer.hpp"

#include <fmt/format.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <wasmtime.h>

#include "portable/base/join.hpp"
#include "portable/protocol/mode_names.hpp"

namespace rapidbyte::cli {

namespace {

double seconds(const engine::RunReport& r) {
  return std::chrono::duration<double>(r.duration).count();
}

}  // namespace

std::string human_bytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  size_t unit = 0;
  while (v >= 1024 && unit + 1 < std::size(kUnits)) {
    v /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.1f} {}", v, kUnits[unit]);
}

std::string version_string() {
  return fmt::format("rapidbyte {} (protocol rapidbyte:connector@4.0.0, wasmtime {})",
                     RAPIDBYTE_VERSION, WASMTIME_VERSION);
}

std::string report_text(const engine::RunReport& report) {
  std::string out;
  const double secs = seconds(report);
  for (const auto& s : report.streams) {
    if (s.failed_stage()) {
      out += fmt::format("stream {:<20} FAILED  {}\n", s.stream, s.error_text());
    } else {
      out += fmt::format(
          "stream {:<20} ok      {} records, {}{}\n", s.stream, s.records(), human_bytes(s.bytes()),
          s.dead_letters() ? fmt::format(", {} dead letters", s.dead_letters()) : "");
    }
    for (const auto& slice : s.partitions) {
      out += fmt::format("  partition {}/{} {:<9} {} records, {}, {:.2f} s, {} attempt{}\n",
                         slice.index, slice.count, slice.report.succeeded() ? "ok" : "FAILED",
                         slice.report.records(), human_bytes(slice.report.bytes()),
                         std::chrono::duration<double>(slice.duration).count(),
                         slice.report.attempts, slice.report.attempts == 1 ? "" : "s");
    }
    if (!s.finished_earlier.empty()) {
      out += fmt::format("  resumed: {} {} finished by an earlier run\n",
                         s.finished_earlier.size() == 1 ? "partition" : "partitions",
                         engine::index_list(s.finished_earlier));
    }
    // Labeled counters (such as transform-validate's failures per rule) say
    // where records went; unlabeled metrics stay in the --json report.
    for (const auto& stage : s.stages) {
      for (const auto& m : stage.metrics) {
        if (m.labels.empty() || m.value.index() != protocol::metric_kind::kCounter) continue;
        out += fmt::format("  {} {} = {}\n", stage.connector_id, engine::metric_key(m),
                           std::get<protocol::metric_kind::kCounter>(m.value));
      }
    }
  }
  const double rate = secs > 0 ? static_cast<double>(report.records()) / secs : 0;
  out += fmt::format(
      "pipeline {} {}: {} records, {} in {:.2f} s ({:.0f} rows/s)\n", report.pipeline,
      report.status() == engine::RunStatus::kPartial ? "partially succeeded"
                                                     : engine::run_status_name(report.status()),
      report.records(), human_bytes(report.bytes()), secs, rate);
  return out;
}

std::string report_json(const engine::RunReport& report) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("pipeline");
  w.String(report.pipeline.c_str());
  w.Key("status");
  const std::string_view status = engine::run_status_name(report.status());
  w.String(status.data(), static_cast<rapidjson::SizeType>(status.size()));
  w.Key("records");
  w.Uint64(report.records());
  w.Key("dead_letters");
  w.Uint64(report.dead_letters());
  w.Key("bytes");
  w.Uint64(report.bytes());
  w.Key("run_id");
  w.Int64(report.run_id);
  w.Key("duration_seconds");
  w.Double(seconds(report));
  w.Key("streams");
  w.StartArray();
  for (const auto& s : report.streams) {
    w.StartObject();
    w.Key("stream");
    w.String(s.stream.c_str());
    w.Key("records");
    w.Uint64(s.records());
    w.Key("bytes");
    w.Uint64(s.bytes());
    w.Key("attempts");
    w.Uint64(s.attempts);
    w.Key("dead_letters");
    w.Uint64(s.dead_letters());
    if (const auto* failed = s.failed_stage()) {
      w.Key("error");
      w.String(failed->error->message.c_str());
      w.Key("error_code");
      w.String(failed->error->code.c_str());
      w.Key("error_connector");
      w.String(failed->connector_id.c_str());
    }
    if (!s.partitions.empty() || !s.finished_earlier.empty()) {
      w.Key("partitions");
      w.StartArray();
      for (const auto& slice : s.partitions) {
        w.StartObject();
        w.Key("index");
        w.Uint(slice.index);
        w.Key("count");
        w.Uint(slice.count);
        w.Key("records");
        w.Uint64(slice.report.records());
        w.Key("bytes");
        w.Uint64(slice.report.bytes());
        w.Key("seconds");
        w.Double(std::chrono::duration<double>(slice.duration).count());
        w.Key("attempts");
        w.Uint(slice.report.attempts);
        w.Key("status");
        w.String(slice.report.succeeded() ? "succeeded" : "failed");
        w.EndObject();
      }
      w.EndArray();
      w.Key("finished_earlier");
      w.StartArray();
      for (uint32_t i : s.finished_earlier) w.Uint(i);
      w.EndArray();
    }
    w.Key("stages");
    w.StartArray();
    for (const auto& stage : s.stages) {
      w.StartObject();
      w.Key("connector");
      w.String(stage.connector_id.c_str());
      w.Key("batches_emitted");
      w.Uint64(stage.batches_emitted);
      w.Key("checkpoints");
      w.Uint64(stage.checkpoints);
      w.Key("metrics");
      w.StartObject();
      for (const auto& m : stage.metrics) {
        w.Key(engine::metric_key(m).c_str());
        std::visit(
            [&](auto v) {
              if constexpr (std::is_same_v<decltype(v), uint64_t>) {
                w.Uint64(v);
              } else {
                w.Double(v);
              }
            },
            m.value);
      }
      w.EndObject();
      if (stage.metrics_dropped > 0) {
        w.Key("metrics_dropped");
        w.Uint64(stage.metrics_dropped);
      }
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string check_text(const std::vector<engine::CheckLine>& lines) {
  static constexpr const char* kStatus[] = {"ok  ", "warn", "FAIL"};
  std::string out;
  for (const auto& l : lines) {
    out += fmt::format("{} {}: {}", kStatus[static_cast<size_t>(l.status)], l.subject, l.check);
    if (!l.message.empty()) out += " — " + l.message;
    out += "\n";
  }
  return out;
}

namespace {

template <class Mode>
std::vector<std::string> mode_names(const std::vector<Mode>& modes) {
  std::vector<std::string> out;
  out.reserve(modes.size());
  for (Mode m : modes) out.emplace_back(protocol::mode_name(m));
  return out;
}

}  // namespace

std::string catalog_text(const protocol::Catalog& catalog) {
  std::string out;
  for (const auto& s : catalog.streams) {
    const std::vector<std::string> modes = mode_names(s.sync_modes);
    out += fmt::format("stream {}{}\n", s.namespace_ ? *s.namespace_ + "." : "", s.name);
    out += fmt::format("  primary key: {}\n  cursor candidates: {}\n  sync modes: {}\n",
                       s.primary_key.empty() ? "-" : join(s.primary_key),
                       s.cursor_candidates.empty() ? "-" : join(s.cursor_candidates), join(modes));
    out += fmt::format("  {:<24} {:<28} {:<28} {}\n", "COLUMN", "SOURCE TYPE", "ARROW TYPE",
                       "NULLABLE");
    for (const auto& c : s.columns) {
      out += fmt::format("  {:<24} {:<28} {:<28} {}\n", c.name, c.source_type, c.arrow_type,
                         c.nullable ? "yes" : "no");
    }
  }
  return out;
}

std::string catalog_json(const protocol::Catalog& catalog) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  auto strings = [&](const std::vector<std::string>& items) {
    w.StartArray();
    for (const auto& i : items) w.String(i.c_str());
    w.EndArray();
  };
  w.StartObject();
  w.Key("streams");
  w.StartArray();
  for (const auto& s : catalog.streams) {
    w.StartObject();
    w.Key("name");
    w.String(s.name.c_str());
    if (s.namespace_) {
      w.Key("namespace");
      w.String(s.namespace_->c_str());
    }
    w.Key("primary_key");
    strings(s.primary_key);
    w.Key("cursor_candidates");
    strings(s.cursor_candidates);
    w.Key("sync_modes");
    w.StartArray();
    for (auto m : s.sync_modes) {
      const std::string_view name = protocol::mode_name(m);
      w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    }
    w.EndArray();
    w.Key("columns");
    w.StartArray();
    for (const auto& c : s.columns) {
      w.StartObject();
      w.Key("name");
      w.String(c.name.c_str());
      w.Key("source_type");
      w.String(c.source_type.c_str());
      w.Key("arrow_type");
      w.String(c.arrow_type.c_str());
      w.Key("nullable");
      w.Bool(c.nullable);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string connectors_table(
    const std::vector<std::shared_ptr<const runtime::ConnectorModule>>& modules) {
  auto list = [](const std::vector<std::string>& items) {
    return items.empty() ? std::string("-") : join(items);
  };
  std::string out;
  for (const auto& m : modules) {
    const auto& man = m->manifest;
    std::vector<std::string> network = man.network_hosts;
    for (const auto& field : man.network_hosts_from_config) network.push_back("config." + field);
    std::vector<std::string> filesystem;
    filesystem.reserve(man.filesystem.size());
    for (const auto& need : man.filesystem) {
      filesystem.push_back(
          (need.path.empty() ? "config." + need.from_config : need.path) +
          (need.access == runtime::FilesystemNeed::Access::kRead ? " (read)" : " (read_write)"));
    }
    out += fmt::format("{} {} ({})\n", man.id, man.version, protocol::role_name(m->role));
    if (!man.description.empty()) out += fmt::format("  {}\n", man.description);
    out += fmt::format("  sync modes: {}  write modes: {}\n", list(mode_names(man.sync_modes)),
                       list(mode_names(man.write_modes)));
    out += fmt::format("  network: {}  env: {}  filesystem: {}\n", list(network), list(man.env),
                       list(filesystem));
    out += fmt::format("  module: {}\n", m->path.string());
  }
  return out;
}

}  // namespace rapidbyte::cli
