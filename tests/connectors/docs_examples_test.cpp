// Every YAML example in README.md and docs/ passes `rapidbyte check` against
// the test cluster, so the documentation cannot drift from what the engine
// accepts. Each block is extracted, its PostgreSQL connections pointed at the
// test cluster (host, port, user, password; the example's database names
// become databases of the cluster), its state file moved into the test's
// directory, and a fragment (a `transforms:` list alone) wrapped into a
// pipeline over a table with the columns it names. The tables each example
// reads are created from the fixtures below: a new example without one
// fails here, naming its file and line.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/connectors/connector_environment.hpp"
#include "tests/support/run_command.hpp"

namespace rapidbyte::test {
namespace {

struct Example {
  std::string where;  // "README.md:165"
  std::string yaml;
};

// The ```yaml blocks of a Markdown file.
std::vector<Example> yaml_blocks(const std::filesystem::path& file, const std::string& name) {
  std::ifstream in(file);
  std::vector<Example> out;
  std::string line;
  int number = 0;
  std::optional<Example> open;
  while (std::getline(in, line)) {
    ++number;
    if (!open && line == "```yaml") {
      open = Example{name + ":" + std::to_string(number), ""};
    } else if (open && line == "```") {
      out.push_back(std::move(*open));
      open.reset();
    } else if (open) {
      open->yaml += line + "\n";
    }
  }
  return out;
}

// What an example needs in the cluster: the table its stream reads (and,
// for a fragment, the stream that wraps it), in the example's source
// database. An example whose connector is not a first-party one is only
// parsed.
struct Fixture {
  std::string database;  // the example's name for it
  std::string setup_sql;
  std::string fragment_stream;  // for `transforms:` fragments
  bool parse_only = false;
};

// Keyed by the example's pipeline name, or a fragment's first transform.
const std::map<std::string, Fixture>& fixtures() {
  static const std::map<std::string, Fixture> kFixtures = {
      {"demo",
       {"shop",
        "CREATE TABLE IF NOT EXISTS customers (id bigint PRIMARY KEY, name text, email text);"
        "CREATE SCHEMA IF NOT EXISTS sales;"
        "CREATE TABLE IF NOT EXISTS sales.orders (id bigint PRIMARY KEY, name text, "
        "total numeric(12, 2));"
        "CREATE TABLE IF NOT EXISTS sales.tmp_import (id bigint PRIMARY KEY);",
        "", false}},
      {"orders_cdc",
       {"shop",
        "CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, total numeric, "
        "updated_at timestamptz);"
        "CREATE TABLE IF NOT EXISTS customers (id bigint PRIMARY KEY, name text, email text);",
        "", false}},
      {"purchases",
       {"shop",
        "CREATE TABLE IF NOT EXISTS events (id bigint PRIMARY KEY, user_id bigint, country text, "
        "amount numeric(12, 2), created_at timestamptz, event_type text);",
        "", false}},
      {"events_backfill",
       {"shop",
        "CREATE TABLE IF NOT EXISTS events (id bigint PRIMARY KEY, user_id bigint, country text, "
        "amount numeric(12, 2), created_at timestamptz, event_type text);",
        "", false}},
      {"events_to_lake",
       {"shop",
        "CREATE TABLE IF NOT EXISTS events (id bigint PRIMARY KEY, user_id bigint, country text, "
        "amount numeric(12, 2), created_at timestamptz, event_type text);",
        "", false}},
      {"events_to_bucket",
       {"shop",
        "CREATE TABLE IF NOT EXISTS events (id bigint PRIMARY KEY, user_id bigint, country text, "
        "amount numeric(12, 2), created_at timestamptz, event_type text);",
        "", false}},
      // Reads files the check has none of: parsed only (FileConnectorTest
      // runs source-file).
      {"lake_to_warehouse", {"", "", "", true}},
      // docs/PROTOCOL.md's source-counter is the document's own example code.
      {"counter", {"", "", "", true}},
      {"fragment validate",
       {"shop",
        "CREATE TABLE IF NOT EXISTS signups (email text, age int, signed_up date, plan text, "
        "name text, phone text, ssn text);",
        "signups", false}},
      {"fragment sql",
       {"shop",
        "CREATE TABLE IF NOT EXISTS events (id bigint PRIMARY KEY, user_id bigint, country text, "
        "amount numeric(12, 2), created_at timestamptz, event_type text);",
        "events", false}},
  };
  return kFixtures;
}

class DocsExamplesTest : public PgConnectorTest {
 protected:
  // The cluster's database for the example's database `name`.
  std::string database_for(const std::string& name) {
    const std::string db = "doc_" + name;
    LibpqSession admin(cluster().admin_conninfo());
    if (admin.value("SELECT count(*) FROM pg_database WHERE datname = '" + db + "'") == "0")
      cluster().create_database(db, kUser);
    return db;
  }

  // A postgres connector's config pointed at the cluster.
  void point_at_cluster(YAML::Node connector) {
    if (!connector || connector["use"].as<std::string>("") != "postgres") return;
    YAML::Node config = connector["config"];
    const std::string original_host = config["host"].as<std::string>("");
    config["host"] = "127.0.0.1";
    config["port"] = cluster().port();
    config["user"] = kUser;
    config["password"] = kPassword;
    config["database"] = database_for(config["database"].as<std::string>("postgres"));
    if (YAML::Node network = connector["permissions"]["network"]) {
      for (size_t i = 0; i < network.size(); ++i) {
        if (network[i].as<std::string>() == original_host) network[i] = "127.0.0.1";
      }
    }
  }

  // A file connector's directory moved into the test's (an s3:// path too:
  // ObjectStorageTest runs the connectors against a server).
  static void point_at_directory(YAML::Node connector, const std::filesystem::path& dir) {
    if (!connector) return;
    const std::string use = connector["use"].as<std::string>("");
    if (use != "dest-file" && use != "source-file") return;
    connector["config"]["path"] = (dir / "lake").string();
  }

  // The example as a pipeline against the cluster, written to a file.
  std::filesystem::path prepare(const Example& example, YAML::Node pipeline,
                                const std::filesystem::path& dir) {
    point_at_cluster(pipeline["source"]);
    point_at_cluster(pipeline["destination"]);
    point_at_directory(pipeline["source"], dir);
    point_at_directory(pipeline["destination"], dir);
    pipeline["state"]["backend"] = "sqlite";
    pipeline["state"]["connection"] = (dir / "state.db").string();
    const auto path = dir / (std::to_string(std::hash<std::string>{}(example.where)) + ".yaml");
    YAML::Emitter out;
    out << pipeline;
    std::ofstream(path) << out.c_str() << "\n";
    return path;
  }
};

TEST_F(DocsExamplesTest, EveryYamlExampleInTheDocsPassesCheck) {
  const std::filesystem::path root = RAPIDBYTE_SOURCE_DIR;
  std::vector<Example> examples = yaml_blocks(root / "README.md", "README.md");
  for (const auto& entry : std::filesystem::directory_iterator(root / "docs")) {
    if (entry.path().extension() != ".md") continue;
    auto found = yaml_blocks(entry.path(), "docs/" + entry.path().filename().string());
    examples.insert(examples.end(), found.begin(), found.end());
  }
  ASSERT_GE(examples.size(), 6u);
  ::setenv("PG_PASSWORD", kPassword, 1);
  ::setenv("DW_PASSWORD", kPassword, 1);
  ::setenv("MASK_SALT", "docs-example-salt", 1);
  ::setenv("S3_KEY_ID", "docs-example-key", 1);
  ::setenv("S3_SECRET", "docs-example-secret", 1);
  const auto dir = cache_dir_ / "docs_examples";
  std::filesystem::create_directories(dir);
  for (const Example& example : examples) {
    SCOPED_TRACE(example.where);
    YAML::Node pipeline;
    try {
      pipeline = YAML::Load(example.yaml);
    } catch (const YAML::Exception& e) {
      ADD_FAILURE() << example.where << " is not valid YAML: " << e.what();
      continue;
    }
    std::string key;
    if (pipeline["pipeline"]) {
      key = pipeline["pipeline"].as<std::string>();
    } else if (pipeline["transforms"]) {
      key = "fragment " + pipeline["transforms"][0]["use"].as<std::string>();
    }
    auto fixture = fixtures().find(key);
    if (fixture == fixtures().end()) {
      ADD_FAILURE() << example.where << ": no fixture for example '" << key
                    << "'; add one to this test";
      continue;
    }
    const Fixture& f = fixture->second;
    if (f.parse_only) {
      std::ofstream(dir / "parse_only.yaml") << example.yaml;
      auto parsed = engine::load_pipeline(dir / "parse_only.yaml");
      EXPECT_TRUE(parsed) << parsed.error();
      continue;
    }
    LibpqSession(cluster().tcp_conninfo(database_for(f.database), kUser, kPassword))
        .exec(f.setup_sql);
    if (!f.fragment_stream.empty()) {
      YAML::Node transforms = pipeline["transforms"];
      pipeline = YAML::Load(
          "pipeline: docs_fragment\nsource: {use: postgres, config: {database: " + f.database +
          "}, streams: [{name: " + f.fragment_stream + "}]}\ndestination: {use: \"null\"}\n");
      pipeline["transforms"] = transforms;
    }
    const auto path = prepare(example, pipeline, dir);
    auto checked = run_command(
        {RAPIDBYTE_BINARY, "--connector-dir", RAPIDBYTE_CONNECTOR_DIR, "check", path.string()});
    EXPECT_EQ(checked.exit_code, 0) << example.where << ":\n" << checked.output;
    EXPECT_EQ(checked.output.find("FAIL"), std::string::npos) << checked.output;
  }
}

}  // namespace
}  // namespace rapidbyte::test
