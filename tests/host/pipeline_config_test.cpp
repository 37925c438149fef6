// Pipeline YAML: defaults, ${VAR} substitution, and errors that name the
// file, line and field.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "host/engine/pipeline_config.hpp"
#include "host/engine/pipeline_runner.hpp"

namespace rapidbyte::engine {
namespace {

constexpr const char* kMinimal = R"(version: 1
pipeline: demo
source:
  use: generator
  config:
    rows: 10
    name: "007"
  streams:
    - name: numbers
transforms:
  - use: passthrough
destination:
  use: "null"
)";

TEST(PipelineConfigTest, ParsesMinimalPipelineWithDefaults) {
  auto p = parse_pipeline(kMinimal, "p.yaml");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->pipeline, "demo");
  EXPECT_EQ(p->source.use, "generator");
  EXPECT_EQ(p->source.config_json, R"({"rows":10,"name":"007"})");
  ASSERT_EQ(p->streams.size(), 1u);
  EXPECT_EQ(p->streams[0].name, "numbers");
  ASSERT_EQ(p->transforms.size(), 1u);
  EXPECT_EQ(p->transforms[0].use, "passthrough");
  EXPECT_EQ(p->transforms[0].config_json, "{}");
  EXPECT_EQ(p->destination.use, "null");
  EXPECT_EQ(p->write_mode, protocol::WriteMode::kAppend);
  EXPECT_EQ(p->resources.max_batch_bytes, 4u << 20);
  EXPECT_EQ(p->resources.max_record_bytes, 16u << 20);
  EXPECT_EQ(p->resources.parallelism, 1u);
}

TEST(PipelineConfigTest, MaxRecordBytesReachesTheStreamLimits) {
  auto p = parse_pipeline(
      "pipeline: x\nsource:\n  use: g\n  streams: [{name: s}]\ndestination: {use: n}\n"
      "resources:\n  max_record_bytes: 1073741824\n",
      "p.yaml");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(stream_context(*p, p->streams[0]).limits.max_record_bytes, 1u << 30);
  auto zero = parse_pipeline(
      "pipeline: x\nsource:\n  use: g\n  streams: [{name: s}]\ndestination: {use: n}\n"
      "resources:\n  max_record_bytes: 0\n",
      "p.yaml");
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error(), "p.yaml:7:21: resources.max_record_bytes: must be positive");
}

// '/' separates the parts of state keys: a pipeline "a/stream/x" would
// share the keys of pipeline "a".
TEST(PipelineConfigTest, PipelineNamesWithASlashAreRefused) {
  auto p = parse_pipeline(
      "pipeline: a/stream/x\nsource:\n  use: g\n  streams: [{name: s}]\ndestination: {use: n}\n",
      "p.yaml");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(),
            "p.yaml:1:11: pipeline: 'a/stream/x' cannot be a pipeline's name: it must be "
            "non-empty and without '/'");
}

TEST(PipelineConfigTest, SubstitutesEnvironmentVariables) {
  ::setenv("RB_TEST_ROWS", "42", 1);
  auto p = parse_pipeline(
      "pipeline: x\nsource:\n  use: generator\n  config:\n    rows: \"${RB_TEST_ROWS}\"\n    n: "
      "${RB_TEST_ROWS}\n"
      "  streams: [{name: s}]\ndestination: {use: \"null\"}\n",
      "p.yaml");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->source.config_json, R"({"rows":"42","n":42})");
}

// ${VAR:-default} as in the shell: the default when unset or empty.
TEST(PipelineConfigTest, DefaultsApplyWhenAVariableIsUnsetOrEmpty) {
  ::unsetenv("RB_TEST_UNSET");
  ::setenv("RB_TEST_EMPTY", "", 1);
  ::setenv("RB_TEST_SET", "db2", 1);
  auto p = parse_pipeline(
      "pipeline: x\nsource:\n  use: generator\n  config:\n"
      "    a: ${RB_TEST_UNSET:-localhost}\n    b: \"${RB_TEST_EMPTY:-5432}\"\n"
      "    c: ${RB_TEST_SET:-db1}\n    d: x${RB_TEST_UNSET:-}y\n"
      "  streams: [{name: s}]\ndestination: {use: \"null\"}\n",
      "p.yaml");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->source.config_json, R"({"a":"localhost","b":"5432","c":"db2","d":"xy"})");
  // Where each value was written, for check_config's messages.
  EXPECT_EQ(p->source.config_sources.at("config.b").line, 6);
  EXPECT_EQ(p->source.config_sources.at("config.b").text, "5432");
}

// The seed project's spellings: version "1.0", parallelism auto, sizes
// with units, resources.compression.
TEST(PipelineConfigTest, AcceptsTheSeedProjectsForms) {
  auto p = parse_pipeline(
      "version: \"1.0\"\npipeline: x\nsource: {use: g, streams: [{name: s}]}\n"
      "destination: {use: n}\nresources:\n  parallelism: auto\n  max_batch_bytes: 64mb\n"
      "  max_record_bytes: \"4 MiB\"\n  checkpoint_interval_bytes: 512KB\n"
      "  compression: lz4\n",
      "p.yaml");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->version, 1u);
  EXPECT_EQ(p->resources.parallelism, std::max(1u, std::thread::hardware_concurrency()));
  EXPECT_EQ(p->resources.max_batch_bytes, 64u << 20);
  EXPECT_EQ(p->resources.max_record_bytes, 4u << 20);
  EXPECT_EQ(p->resources.checkpoint_interval_bytes, 512u << 10);
  EXPECT_EQ(p->resources.compression, "lz4");
}

// One run names every problem of a file, not the first one only.
TEST(PipelineConfigTest, ReportsEveryProblemOfAFileAtOnce) {
  auto p = parse_pipeline(
      "version: 2\npipeline: x\nsource:\n  use: g\n  streams:\n"
      "    - {name: a, sync_mode: incremental}\n    - {name: b, sync_mode: sometimes}\n"
      "transforms: [{use: t, confg: {}}]\n"
      "resources: {max_batch_bytes: lots, compression: brotli}\n",
      "p.yaml");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(),
            "p.yaml:1:10: version: unsupported pipeline version '2' (this release reads version "
            "1)\n"
            "p.yaml:7:28: source.streams[1].sync_mode: unknown value 'sometimes' (expected one "
            "of: full_refresh, incremental, cdc)\n"
            "p.yaml:8:23: transforms[0].confg: unknown key (expected one of: use, config, "
            "permissions)\n"
            "p.yaml:1:1: destination: missing\n"
            "p.yaml:9:49: resources.compression: must be one of: none, lz4, zstd; got 'brotli'\n"
            "p.yaml:9:30: resources.max_batch_bytes: must be a byte size such as 4194304, 512kb "
            "or 64mb, got 'lots'");
}

// destination_table renames a stream at the destination; two streams may
// not land in one place.
TEST(PipelineConfigTest, DestinationTableNamesWhereAStreamLands) {
  auto p = parse_pipeline(
      "pipeline: x\nsource:\n  use: g\n  streams:\n"
      "    - {name: sales.orders, destination_table: analytics.sales_orders}\n"
      "    - {name: orders}\n"
      "destination: {use: d}\n",
      "p.yaml");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->streams[0].destination_name(), "analytics.sales_orders");
  EXPECT_EQ(p->streams[1].destination_name(), "orders");
  EXPECT_EQ(stream_context(*p, p->streams[0]).stream_name, "sales.orders");

  auto clash = parse_pipeline(
      "pipeline: x\nsource:\n  use: g\n  streams:\n"
      "    - {name: a, destination_table: t}\n"
      "    - {name: t}\n"
      "    - {name: b, destination_table: t}\n"
      "    - {name: \"s.*\", destination_table: u}\n"
      "    - {name: c, destination_table: \"\"}\n"
      "destination: {use: d}\n",
      "p.yaml");
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error(),
            "p.yaml:6:14: source.streams[1].name: stream 't' would land in 't', where stream 'a' "
            "lands too\n"
            "p.yaml:7:36: source.streams[2].destination_table: stream 'b' would land in 't', where "
            "stream 'a' lands too\n"
            "p.yaml:8:40: source.streams[3].destination_table: not for a stream pattern, which "
            "stands for many streams\n"
            "p.yaml:9:36: source.streams[4].destination_table: must not be empty");
}

TEST(PipelineConfigTest, UnsetVariableIsNamed) {
  ::unsetenv("RB_TEST_MISSING");
  auto p = parse_pipeline(
      "pipeline: x\nsource:\n  use: generator\n  config:\n    password: ${RB_TEST_MISSING}\n"
      "  streams: [{name: s}]\ndestination: {use: \"null\"}\n",
      "p.yaml");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(),
            "p.yaml:5:15: source.config.password: environment variable RB_TEST_MISSING is not set");
}

TEST(PipelineConfigTest, SandboxIsTheManifestNarrowedByThePipeline) {
  auto p = parse_pipeline(
      "pipeline: x\nsource:\n  use: g\n  config: {host: db1.internal}\n"
      "  permissions: {network: [db2.internal], env: [RB_TEST_ALLOWED]}\n  streams: [{name: s}]\n"
      "destination: {use: n}\n",
      "p.yaml");
  ASSERT_TRUE(p) << p.error();
  ASSERT_TRUE(p->source.network_hosts);
  EXPECT_EQ(*p->source.network_hosts, std::vector<std::string>{"db2.internal"});
  EXPECT_FALSE(p->destination.network_hosts);

  runtime::ConnectorModule module;
  module.manifest.network_hosts = {"db2.internal", "metrics.internal"};
  module.manifest.network_hosts_from_config = {"host"};
  module.manifest.env = {"RB_TEST_ALLOWED", "RB_TEST_NOT_GRANTED"};
  ::setenv("RB_TEST_ALLOWED", "a", 1);
  ::setenv("RB_TEST_NOT_GRANTED", "b", 1);
  auto narrowed = sandbox_for(module, p->source, p->resources);
  EXPECT_EQ(narrowed.allowed_hosts, std::vector<std::string>{"db2.internal"});
  EXPECT_EQ(narrowed.env,
            (std::vector<std::pair<std::string, std::string>>{{"RB_TEST_ALLOWED", "a"}}));
  auto whole =
      sandbox_for(module, p->destination, p->resources);  // no permissions: all the manifest asks
  EXPECT_EQ(whole.allowed_hosts, (std::vector<std::string>{"db2.internal", "metrics.internal"}));
  EXPECT_EQ(whole.env.size(), 2u);
}

TEST(PipelineConfigTest, UnknownKeyNamesLineAndField) {
  auto p = parse_pipeline("pipeline: x\nsorce: {}\n", "p.yaml");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(),
            "p.yaml:2:1: sorce: unknown key (expected one of: version, pipeline, source, "
            "transforms, destination, state, resources)");
}

TEST(PipelineConfigTest, WrongTypeNamesField) {
  auto p = parse_pipeline(
      "pipeline: x\nsource:\n  use: g\n  streams: [{name: s}]\ndestination: {use: n}\n"
      "resources:\n  max_batch_bytes: lots\n",
      "p.yaml");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(),
            "p.yaml:7:20: resources.max_batch_bytes: must be a byte size such as 4194304, 512kb or "
            "64mb, got 'lots'");
}

TEST(PipelineConfigTest, BadWriteModeListsChoices) {
  auto p = parse_pipeline(
      "pipeline: x\nsource:\n  use: g\n  streams: [{name: s}]\ndestination: {use: n, write_mode: "
      "merge}\n",
      "p.yaml");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(),
            "p.yaml:5:35: destination.write_mode: unknown value 'merge' (expected one of: append, "
            "replace, upsert)");
}

TEST(PipelineConfigTest, ReadsDestinationPolicies) {
  auto p = parse_pipeline(
      "pipeline: x\nsource:\n  use: g\n  streams: [{name: s}]\ndestination:\n  use: n\n"
      "  on_data_error: dlq\n  schema_evolution: {new_column: fail, type_change: null}\n",
      "p.yaml");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->policies.on_data_error, protocol::DataErrorPolicy::kDlq);
  EXPECT_EQ(p->policies.schema_evolution.new_column, protocol::NewColumnPolicy::kFail);
  EXPECT_EQ(p->policies.schema_evolution.removed_column, protocol::RemovedColumnPolicy::kIgnore);
  EXPECT_EQ(p->policies.schema_evolution.type_change, protocol::TypeChangePolicy::kSetNull);
  EXPECT_EQ(p->policies.schema_evolution.nullability_change,
            protocol::NullabilityChangePolicy::kAllow);

  auto bad = parse_pipeline(
      "pipeline: x\nsource:\n  use: g\n  streams: [{name: s}]\ndestination:\n  use: n\n"
      "  schema_evolution: {removed_column: drop}\n",
      "p.yaml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(),
            "p.yaml:7:38: destination.schema_evolution.removed_column: unknown value 'drop' "
            "(expected one "
            "of: ignore, fail)");
}

TEST(PipelineConfigTest, MissingStreamsIsAnError) {
  auto p = parse_pipeline("pipeline: x\nsource:\n  use: g\ndestination: {use: n}\n", "p.yaml");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(), "p.yaml:3:3: source.streams: at least one stream is required");
}

TEST(PipelineConfigTest, InvalidYamlNamesPosition) {
  auto p = parse_pipeline("pipeline: [x\n", "p.yaml");
  ASSERT_FALSE(p);
  EXPECT_TRUE(p.error().starts_with("p.yaml:")) << p.error();
  EXPECT_NE(p.error().find("invalid YAML"), std::string::npos);
}

TEST(PipelineConfigTest, DuplicateKeysNameBothLines) {
  auto p = parse_pipeline(
      "pipeline: x\nsource:\n  use: g\n  streams: [{name: s}]\ndestination:\n  use: n\n"
      "  write_mode: append\n  write_mode: replace\n",
      "p.yaml");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(), "p.yaml:8:3: destination.write_mode: duplicate key (first at line 7)");

  auto top = parse_pipeline(
      "pipeline: x\nsource:\n  use: g\n  streams: [{name: s, name: t}]\ndestination: {use: "
      "n}\ndestination: {use: m}\n",
      "p.yaml");
  ASSERT_FALSE(top);
  EXPECT_EQ(top.error(), "p.yaml:4:23: source.streams[0].name: duplicate key (first at line 4)");
}

TEST(PipelineConfigTest, PostgresStateConnectionNamesItsBackend) {
  const std::string base =
      "pipeline: x\nsource:\n  use: g\n  streams: [{name: s}]\ndestination: {use: n}\n";
  for (const char* connection :
       {"postgres://rb:secret@db/state", "postgresql://db/state", "host=db dbname=state"}) {
    auto p = parse_pipeline(base + "state: {connection: \"" + connection + "\"}\n", "p.yaml");
    ASSERT_TRUE(p) << p.error();
    EXPECT_EQ(p->state.backend, "postgres") << connection;
  }
  auto sqlite = parse_pipeline(base + "state: {connection: /var/lib/rb/state.db}\n", "p.yaml");
  ASSERT_TRUE(sqlite) << sqlite.error();
  EXPECT_EQ(sqlite->state.backend, "sqlite");
  auto both = parse_pipeline(
      base + "state: {backend: sqlite, connection: \"postgres://rb:secret@db/state\"}\n", "p.yaml");
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error(),
            "p.yaml:6:38: state.connection: is a PostgreSQL connection string, but state.backend "
            "is sqlite (set backend: postgres, or give a file path)");
  EXPECT_EQ(both.error().find("secret"), std::string::npos);
}

TEST(PipelineConfigTest, StageMemoryIsBoundedByTheGuestsAddressSpace) {
  auto p = parse_pipeline(
      "pipeline: x\nsource:\n  use: g\n  streams: [{name: s}]\ndestination: {use: n}\n"
      "resources: {stage_memory_mb: 100000}\n",
      "p.yaml");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error(),
            "p.yaml:6:30: resources.stage_memory_mb: must be between 1 and 4096 (a wasm32 guest "
            "addresses at most 4 GiB), got 100000");
}

TEST(PipelineConfigTest, DeepNestingIsNamed) {
  auto p = parse_pipeline(
      "pipeline: x\nsource: " + std::string(5000, '[') + std::string(5000, ']') + "\n", "p.yaml");
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().find("invalid YAML: nested too deeply"), std::string::npos) << p.error();
}

TEST(PipelineConfigTest, TabIndentationIsNamed) {
  auto r = parse_pipeline("pipeline: x\nsource:\n\tuse: generator\n  streams: [{name: s}]\n",
                          "tabs.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(),
            "tabs.yaml:3:5: invalid YAML: illegal map value (line 3 is indented with a tab; YAML "
            "indents with spaces only)");
}

TEST(PipelineConfigTest, OversizedFileIsRefusedBeforeParsing) {
  const auto path = std::filesystem::temp_directory_path() / "rapidbyte_oversized_pipeline.yaml";
  {
    std::ofstream out(path);
    out << "pipeline: huge\n# " << std::string(kMaxPipelineFileBytes, 'x') << "\n";
  }
  auto r = load_pipeline(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), path.string() + ": the pipeline file has " +
                           std::to_string(kMaxPipelineFileBytes + 18) +
                           " bytes, more than a pipeline file may have (4 MiB); is it the right "
                           "file?");
}

TEST(PipelineConfigTest, FiveHundredStreamsParse) {
  std::string yaml = "pipeline: many\nsource:\n  use: generator\n  streams:\n";
  for (int i = 0; i < 500; ++i) yaml += "    - {name: s" + std::to_string(i) + "}\n";
  yaml += "destination: {use: \"null\", config: {}}\n";
  auto r = parse_pipeline(yaml, "many.yaml");
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->streams.size(), 500u);
  EXPECT_EQ(r->streams.back().name, "s499");
}

// partitions: N | auto, partition_key (alone it means auto), and the
// split mode in both spellings; a cdc stream's snapshot not by replace.
TEST(PipelineConfigTest, PartitionSettings) {
  auto pipeline = [](const std::string& streams, const std::string& resources) {
    return parse_pipeline("pipeline: x\nsource:\n  use: g\n  streams: [" + streams +
                              "]\ndestination: {use: n}\nresources: {" + resources + "}\n",
                          "p.yaml");
  };
  auto p = pipeline(
      "{name: a, partitions: 8}, {name: b, partition_key: id}, "
      "{name: c, partitions: auto}, {name: d}",
      "parallelism: 3, autotune: {partition_mode: mod}");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(partition_count(*p, p->streams[0]), 8u);
  // auto: at most 4 slices per worker (the source plans fewer for a small table).
  EXPECT_EQ(partition_count(*p, p->streams[1]), 12u);
  EXPECT_EQ(p->streams[1].partition_key, "id");
  EXPECT_EQ(partition_count(*p, p->streams[2]), 12u);
  EXPECT_EQ(partition_count(*p, p->streams[3]), 1u);
  auto one_worker = pipeline("{name: a, partitions: auto}", "parallelism: 1");
  ASSERT_TRUE(one_worker) << one_worker.error();
  EXPECT_EQ(partition_count(*one_worker, one_worker->streams[0]), 1u) << "auto does not split";
  EXPECT_EQ(p->resources.partition_mode, "mod");
  auto range = pipeline("{name: a, partitions: 2}", "partition_mode: range");
  ASSERT_TRUE(range) << range.error();
  EXPECT_EQ(range->resources.partition_mode, "range");

  auto zero = pipeline("{name: a, partitions: 0}", "");
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error(),
            "p.yaml:4:35: source.streams[0].partitions: must be auto or between 1 and 1024");
  auto incremental =
      pipeline("{name: a, sync_mode: incremental, cursor_field: t, partitions: 4}", "");
  ASSERT_TRUE(incremental) << incremental.error();
  EXPECT_EQ(incremental->streams[0].partitions, 4u);
  auto cdc = pipeline("{name: a, sync_mode: cdc, partitions: 4}", "");
  ASSERT_TRUE(cdc) << cdc.error();
  EXPECT_EQ(cdc->streams[0].partitions, 4u);
  auto replaced = pipeline("{name: a, sync_mode: cdc, partitions: 4, write_mode: replace}", "");
  ASSERT_FALSE(replaced);
  EXPECT_EQ(replaced.error(),
            "p.yaml:4:51: source.streams[0].partitions: a cdc stream's partitioned snapshot is "
            "written with write_mode upsert or append; stream 'a' has replace");
  auto mode = pipeline("{name: a}", "partition_mode: hash");
  ASSERT_FALSE(mode);
  EXPECT_EQ(mode.error(),
            "p.yaml:6:29: resources.partition_mode: must be range or mod; got 'hash'");
  auto autotune = pipeline("{name: a}", "autotune: {enabled: true}");
  ASSERT_FALSE(autotune);
  EXPECT_NE(autotune.error().find("resources.autotune"), std::string::npos) << autotune.error();
}

}  // namespace
}  // namespace rapidbyte::engine
