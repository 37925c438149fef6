// A pipeline as the user writes it in YAML: where data comes from, the
// transforms it passes through, where it goes, and the resources it may use.
//
// Parsing is strict: unknown keys, wrong types and unset ${VAR}s are errors
// that name the file, line and field.
#pragma once

#include <cstdint>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "host/engine/config_validator.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::engine {

struct StreamConfig {
  std::string name;
  protocol::SyncMode sync_mode = protocol::SyncMode::kFullRefresh;
  std::optional<std::string> cursor_field;
  std::vector<std::string> columns;
  // The stream's own; when unset (empty), the destination's applies.
  std::optional<protocol::WriteMode> write_mode;
  std::vector<std::string> primary_key;
  // What the destination calls the stream (dest-postgres: its table,
  // "schema.table" or "table"); unset: the stream's own name.
  std::optional<std::string> destination_table;
  // A name with * or ? is a pattern: it stands for every stream of the
  // source's catalog it matches, except those `exclude` matches
  // (expand_stream_patterns).
  std::vector<std::string> exclude;
  // `partitions: N` reads a full-refresh stream (an incremental stream's
  // first read, a cdc stream's initial snapshot) as N slices of one
  // snapshot, up to resources.parallelism at once; `auto` (or a
  // partition_key alone) as many as the table's size calls for. 1: one read.
  uint32_t partitions = 1;
  bool auto_partitions = false;
  // The column the slices split on (resources.partition_mode); unset: the
  // source's own split (source-postgres: heap pages).
  std::optional<std::string> partition_key;
  bool is_pattern() const { return name.find_first_of("*?") != std::string::npos; }
  const std::string& destination_name() const {
    return destination_table ? *destination_table : name;
  }
};

struct ConnectorConfig {
  std::string use;               // connector name, e.g. "generator" or "source-generator"
  std::string config_json;       // its `config` mapping as a JSON object
  ConfigSources config_sources;  // where each value of it was written
  int line = 0;                  // where `use` appears, for messages
  // `permissions`: when given, the connector gets only these of what its
  // manifest asks for (network hosts, environment variables, directories and
  // what lies below them).
  std::optional<std::vector<std::string>> network_hosts;
  std::optional<std::vector<std::string>> env;
  std::optional<std::vector<std::string>> directories;
};

// The time bound on commits of a cdc stream whose pipeline sets none: its
// destination commits at least this often, also while the source is idle.
// (Unless checkpoint_interval_rows is set, it also commits every batch.)
inline constexpr uint32_t kCdcCheckpointIntervalSeconds = 2;

// The largest pipeline file load_pipeline reads: pipelines of hundreds of
// streams take tens of KiB; a larger file is most likely the wrong one
// (a data file), which the YAML parser would otherwise take seconds and
// hundreds of MiB to refuse.
inline constexpr uint64_t kMaxPipelineFileBytes = 4u << 20;

// The most slices a stream may be read as: each is a source, transforms and
// a destination with connections of their own.
inline constexpr uint32_t kMaxPartitions = 1024;

struct ResourcesConfig {
  uint32_t parallelism = 1;
  uint64_t max_batch_bytes = 4u << 20;
  uint64_t max_record_bytes = 16u << 20;  // a larger record is a data error
  uint32_t max_inflight_batches = 8;
  uint64_t checkpoint_interval_bytes = 64u << 20;
  uint64_t checkpoint_interval_rows = 0;     // 0: none (cdc streams: every batch)
  uint32_t checkpoint_interval_seconds = 0;  // 0: none (cdc streams: see below)
  uint64_t stage_memory_mb = 1024;
  uint32_t stage_timeout_seconds = 0;  // 0: no wall-clock limit on a stage's run
  // How long a guest may run its own code without calling the host: ends a
  // guest stuck in a loop, while a continuous run may wait for data forever.
  // 0: no limit.
  uint32_t no_progress_timeout_seconds = 300;
  // How long a connector's network read or write may wait for its peer (a
  // stalled server, a proxy that stopped forwarding); 0: no limit. A cdc
  // replication connection hears from its server at least every 30 s.
  uint32_t network_timeout_seconds = 600;
  uint32_t max_retries = 3;            // retries of a failed stream, when its error allows
  uint32_t retry_base_delay_ms = 500;  // backoff of the first retry (normal class)
  // Accepted for the seed project's files (none | lz4 | zstd); batches pass
  // between stages in memory, uncompressed, whatever it says.
  std::string compression = "none";
  // How a stream with a partition_key is split: "range" (key ranges) or
  // "mod" (key modulo the partition count). Also read from the seed
  // project's `resources.autotune.partition_mode`.
  std::string partition_mode = "range";
};

struct StateConfig {
  std::string backend = "sqlite";
  // SQLite: the database file (default ~/.rapidbyte/state.db).
  std::string connection;
};

struct PipelineConfig {
  std::filesystem::path file;
  uint32_t version = 1;
  std::string pipeline;
  ConnectorConfig source;
  std::vector<StreamConfig> streams;
  std::vector<ConnectorConfig> transforms;
  ConnectorConfig destination;
  protocol::WriteMode write_mode = protocol::WriteMode::kAppend;
  std::vector<std::string> primary_key;
  // destination.on_data_error and destination.schema_evolution.
  protocol::StreamPolicies policies;
  StateConfig state;
  ResourcesConfig resources;
};

// The write mode and key a stream runs with: its own when it sets them,
// else the destination's.
protocol::WriteMode write_mode_of(const PipelineConfig& pipeline, const StreamConfig& stream);
const std::vector<std::string>& primary_key_of(const PipelineConfig& pipeline,
                                               const StreamConfig& stream);
// How many slices a stream is read as: 1, its `partitions`, or for auto
// the most slices the source may plan from the table's size: kAutoSlicesPerWorker
// per resources.parallelism (1, not partitioned, when parallelism is 1).
uint32_t partition_count(const PipelineConfig& pipeline, const StreamConfig& stream);
// With more slices than workers, the slices of a skewed table even out and
// a resumed run reads again less of it.
inline constexpr uint32_t kAutoSlicesPerWorker = 4;

// What a command needs of a pipeline file: a run the whole of it;
// `discover` the source block only (streams, destination and the pipeline's
// name may be left out; the name then is the file's stem).
enum class PipelineScope { kWhole, kSource };

// Reads and checks the pipeline at `path`, substituting ${VAR} from the
// environment.
std::expected<PipelineConfig, std::string> load_pipeline(
    const std::filesystem::path& path, PipelineScope scope = PipelineScope::kWhole);

// Same, from YAML text (`path` is only used in messages).
std::expected<PipelineConfig, std::string> parse_pipeline(
    const std::string& yaml, const std::filesystem::path& path,
    PipelineScope scope = PipelineScope::kWhole);

}  // namespace rapidbyte::engine
