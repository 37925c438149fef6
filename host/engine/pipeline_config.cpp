#include "host/engine/pipeline_config.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "portable/base/join.hpp"
#include "portable/base/try.hpp"
#include "portable/protocol/mode_names.hpp"

namespace rapidbyte::engine {

namespace {

using Error = std::string;

// Reads YAML nodes and turns every problem into "file:line:col: field: what".
class Reader {
 public:
  explicit Reader(std::filesystem::path file) : file_(std::move(file)) {}

  Error error(const YAML::Node& node, const std::string& field, const std::string& what) const {
    std::ostringstream out;
    out << file_.string();
    if (node.IsDefined() && node.Mark().line >= 0) {
      out << ":" << node.Mark().line + 1 << ":" << node.Mark().column + 1;
    }
    out << ": " << field << ": " << what;
    return out.str();
  }

  // Fails on keys of `map` that are not in `allowed`.
  std::expected<void, Error> only_keys(const YAML::Node& map, const std::string& field,
                                       std::initializer_list<const char*> allowed) const {
    if (!map.IsMap()) return std::unexpected(error(map, field, "must be a mapping"));
    for (const auto& kv : map) {
      const auto key = kv.first.as<std::string>();
      bool known = false;
      for (const char* a : allowed) known = known || key == a;
      if (!known) {
        std::string list;
        for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return std::unexpected(error(kv.first, field.empty() ? key : field + "." + key,
                                     "unknown key (expected one of: " + list + ")"));
      }
    }
    return {};
  }

  // Fails on the first key that a mapping anywhere below `node` repeats
  // (YAML forbids it; yaml-cpp would let the first one win silently), naming
  // both places.
  std::expected<void, Error> unique_keys(const YAML::Node& node, const std::string& field) const {
    if (node.IsSequence()) {
      for (size_t i = 0; i < node.size(); ++i) {
        RB_TRY(unique_keys(node[i], field + "[" + std::to_string(i) + "]"));
      }
    } else if (node.IsMap()) {
      std::map<std::string, YAML::Mark> seen;
      for (const auto& kv : node) {
        const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
        const std::string path = field.empty() ? key : field + "." + key;
        if (kv.first.IsScalar()) {
          const auto [first, inserted] = seen.emplace(key, kv.first.Mark());
          if (!inserted) {
            return std::unexpected(error(
                kv.first, path,
                "duplicate key (first at line " + std::to_string(first->second.line + 1) + ")"));
          }
        }
        RB_TRY(unique_keys(kv.second, path));
      }
    }
    return {};
  }

  // Replaces ${VAR} with the variable's value, and ${VAR:-default} with
  // the default when the variable is unset or empty (as the shell does); an
  // unset variable without a default is an error.
  std::expected<std::string, Error> expand(const YAML::Node& node, const std::string& field) const {
    const std::string& raw = node.Scalar();
    static const std::regex kVar(R"(\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\})");
    std::string out;
    auto begin = std::sregex_iterator(raw.begin(), raw.end(), kVar);
    size_t last = 0;
    for (auto it = begin; it != std::sregex_iterator(); ++it) {
      const auto& m = *it;
      out.append(raw, last, m.position() - last);
      const std::string name = m[1].str();
      const char* value = std::getenv(name.c_str());
      if (m[2].matched && (!value || *value == '\0')) {
        out += m[3].str();
      } else if (!value) {
        return std::unexpected(error(node, field, "environment variable " + name + " is not set"));
      } else {
        out += value;
      }
      last = m.position() + m.length();
    }
    out.append(raw, last);
    return out;
  }

  std::expected<std::string, Error> string(const YAML::Node& node, const std::string& field) const {
    if (!node.IsScalar()) return std::unexpected(error(node, field, "must be a string"));
    return expand(node, field);
  }

  template <class T>
  std::expected<T, Error> number(const YAML::Node& node, const std::string& field) const {
    RB_ASSIGN_OR_RETURN(auto text, string(node, field));
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0 || text[0] == '-' ||
        v > std::numeric_limits<T>::max()) {
      return std::unexpected(
          error(node, field, "must be a non-negative integer, got '" + text + "'"));
    }
    return static_cast<T>(v);
  }

  // A byte count: an integer, or one with a unit (b, kb, mb, gb, or kib,
  // mib, gib; any case, each a power of 1024), e.g. 64mb or "4 MiB".
  std::expected<uint64_t, Error> byte_size(const YAML::Node& node, const std::string& field) const {
    RB_ASSIGN_OR_RETURN(auto text, string(node, field));
    static const std::regex kSize(R"(\s*([0-9]+)\s*([kKmMgG]?)(i?[bB])?\s*)");
    std::smatch m;
    auto refused = [&] {
      return std::unexpected(error(
          node, field, "must be a byte size such as 4194304, 512kb or 64mb, got '" + text + "'"));
    };
    if (!std::regex_match(text, m, kSize)) return refused();
    errno = 0;
    const unsigned long long count = std::strtoull(m[1].str().c_str(), nullptr, 10);
    if (errno != 0) return refused();
    const std::string unit = m[2].str();
    const int shift = unit.empty()                   ? 0
                      : (unit == "k" || unit == "K") ? 10
                      : (unit == "m" || unit == "M") ? 20
                                                     : 30;
    if (count > (UINT64_MAX >> shift)) return refused();
    return static_cast<uint64_t>(count) << shift;
  }

  std::expected<std::vector<std::string>, Error> strings(const YAML::Node& node,
                                                         const std::string& field) const {
    if (!node.IsSequence()) return std::unexpected(error(node, field, "must be a list of strings"));
    std::vector<std::string> out;
    for (size_t i = 0; i < node.size(); ++i) {
      RB_ASSIGN_OR_RETURN(auto s, string(node[i], field + "[" + std::to_string(i) + "]"));
      out.push_back(s);
    }
    return out;
  }

  // YAML -> JSON for connector configs. Quoted scalars stay strings; plain
  // ones become numbers, booleans or null when they read as such (the
  // connector's schema types them finally: check_config). Where each value
  // was written goes into `sources`, by its path below `config`.
  std::expected<void, Error> to_json(const YAML::Node& node, const std::string& field,
                                     const std::string& path,
                                     rapidjson::Writer<rapidjson::StringBuffer>& w,
                                     ConfigSources& sources) const {
    ConfigValueSource& source = sources[path];
    source.line = node.Mark().line + 1;
    source.column = node.Mark().column + 1;
    switch (node.Type()) {
      case YAML::NodeType::Null:
        w.Null();
        return {};
      case YAML::NodeType::Map:
        w.StartObject();
        for (const auto& kv : node) {
          const auto key = kv.first.as<std::string>();
          w.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
          RB_TRY(to_json(kv.second, field + "." + key, path + "." + key, w, sources));
        }
        w.EndObject();
        return {};
      case YAML::NodeType::Sequence:
        w.StartArray();
        for (size_t i = 0; i < node.size(); ++i) {
          const std::string index = "[" + std::to_string(i) + "]";
          RB_TRY(to_json(node[i], field + index, path + index, w, sources));
        }
        w.EndArray();
        return {};
      case YAML::NodeType::Scalar: {
        RB_ASSIGN_OR_RETURN(auto text, expand(node, field));
        source.text = text;
        if (node.Tag() != "!") {
          static const std::regex kInt(R"(-?(0|[1-9][0-9]*))");
          static const std::regex kFloat(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
          if (text == "true" || text == "false") {
            w.Bool(text == "true");
            return {};
          }
          if (text == "null" || text == "~") {
            w.Null();
            return {};
          }
          if (std::regex_match(text, kInt)) {
            if (text[0] == '-') {
              w.Int64(std::strtoll(text.c_str(), nullptr, 10));
            } else {
              w.Uint64(std::strtoull(text.c_str(), nullptr, 10));
            }
            return {};
          }
          if (std::regex_match(text, kFloat)) {
            w.Double(std::strtod(text.c_str(), nullptr));
            return {};
          }
        }
        w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
        return {};
      }
      default:
        return std::unexpected(error(node, field, "unsupported YAML value"));
    }
  }

  std::expected<ConnectorConfig, Error> connector(
      const YAML::Node& node, const std::string& field,
      std::initializer_list<const char*> allowed) const {
    RB_TRY(only_keys(node, field, allowed));
    ConnectorConfig c;
    if (!node["use"])
      return std::unexpected(error(node, field + ".use", "missing (which connector to run)"));
    auto use = string(node["use"], field + ".use");
    if (!use) return std::unexpected(use.error());
    c.use = *use;
    c.line = node["use"].Mark().line + 1;
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    if (const auto config = node["config"]; config && !config.IsNull()) {
      if (!config.IsMap())
        return std::unexpected(error(config, field + ".config", "must be a mapping"));
      RB_TRY(to_json(config, field + ".config", "config", writer, c.config_sources));
    } else {
      writer.StartObject();
      writer.EndObject();
    }
    c.config_json.assign(buffer.GetString(), buffer.GetSize());
    if (const auto permissions = node["permissions"]) {
      const std::string pfield = field + ".permissions";
      RB_TRY(only_keys(permissions, pfield, {"network", "env", "filesystem"}));
      if (permissions["network"]) {
        RB_ASSIGN_OR_RETURN(auto hosts, strings(permissions["network"], pfield + ".network"));
        c.network_hosts = hosts;
      }
      if (permissions["env"]) {
        auto env = strings(permissions["env"], pfield + ".env");
        if (!env) return std::unexpected(env.error());
        c.env = *env;
      }
      if (permissions["filesystem"]) {
        RB_ASSIGN_OR_RETURN(c.directories,
                            strings(permissions["filesystem"], pfield + ".filesystem"));
      }
    }
    return c;
  }

 private:
  std::filesystem::path file_;
};

// The value of `node` among `names` (pairs of a name and its value).
template <class Enum, class Names>
std::expected<Enum, Error> parse_enum_in(const Reader& r, const YAML::Node& node,
                                         const std::string& field, const Names& names) {
  // A bare `null` in YAML is a null node, not a string; as an enum value it
  // means the word (e.g. type_change: null).
  RB_ASSIGN_OR_RETURN(
      auto text, node.IsNull() ? std::expected<std::string, Error>("null") : r.string(node, field));
  std::string list;
  for (const auto& [name, value] : names) {
    if (text == name) return value;
    list += (list.empty() ? "" : ", ") + std::string(name);
  }
  return std::unexpected(
      r.error(node, field, "unknown value '" + text + "' (expected one of: " + list + ")"));
}

template <class Enum>
std::expected<Enum, Error> parse_enum(const Reader& r, const YAML::Node& node,
                                      const std::string& field,
                                      std::initializer_list<std::pair<const char*, Enum>> names) {
  return parse_enum_in<Enum>(r, node, field, names);
}

std::expected<void, Error> parse_resources(const Reader& r, const YAML::Node& node,
                                           ResourcesConfig& out) {
  RB_TRY(r.only_keys(node, "resources",
                     {"parallelism", "max_batch_bytes", "max_record_bytes", "max_inflight_batches",
                      "checkpoint_interval_bytes", "checkpoint_interval_rows",
                      "checkpoint_interval_seconds", "stage_memory_mb", "stage_timeout_seconds",
                      "no_progress_timeout_seconds", "network_timeout_seconds", "max_retries",
                      "retry_base_delay_ms", "compression", "partition_mode", "autotune"}));
  // resources.<key> into `field`, when given.
  std::vector<Error> errors;  // every key's, not only the first
  auto read = [&](const char* key, auto& field) -> std::expected<void, Error> {
    if (!node[key]) return {};
    RB_ASSIGN_OR_RETURN(auto value, r.number<std::remove_reference_t<decltype(field)>>(
                                        node[key], std::string("resources.") + key));
    field = value;
    return {};
  };
  auto read_bytes = [&](const char* key, uint64_t& field) -> std::expected<void, Error> {
    if (!node[key]) return {};
    RB_ASSIGN_OR_RETURN(field, r.byte_size(node[key], std::string("resources.") + key));
    return {};
  };
  // parallelism: auto is one worker per core.
  auto read_parallelism = [&]() -> std::expected<void, Error> {
    if (node["parallelism"] && node["parallelism"].IsScalar() &&
        node["parallelism"].Scalar() == "auto") {
      out.parallelism = std::max(1u, std::thread::hardware_concurrency());
      return {};
    }
    return read("parallelism", out.parallelism);
  };
  // compression: accepted as the seed project's files write it; batches
  // pass between stages in memory, where compressing them only costs time.
  auto read_compression = [&]() -> std::expected<void, Error> {
    if (!node["compression"]) return {};
    RB_ASSIGN_OR_RETURN(out.compression, r.string(node["compression"], "resources.compression"));
    if (out.compression != "none" && out.compression != "lz4" && out.compression != "zstd") {
      return std::unexpected(
          r.error(node["compression"], "resources.compression",
                  "must be one of: none, lz4, zstd; got '" + out.compression + "'"));
    }
    return {};
  };
  // partition_mode: range | mod, also as the seed project's
  // autotune.partition_mode.
  auto read_partition_mode = [&]() -> std::expected<void, Error> {
    const YAML::Node autotune = node["autotune"];
    if (autotune) RB_TRY(r.only_keys(autotune, "resources.autotune", {"partition_mode"}));
    const bool seed_spelling = autotune && autotune["partition_mode"];
    const YAML::Node mode = seed_spelling ? autotune["partition_mode"] : node["partition_mode"];
    const std::string field =
        seed_spelling ? "resources.autotune.partition_mode" : "resources.partition_mode";
    if (!mode) return {};
    RB_ASSIGN_OR_RETURN(out.partition_mode, r.string(mode, field));
    if (out.partition_mode != "range" && out.partition_mode != "mod") {
      return std::unexpected(
          r.error(mode, field, "must be range or mod; got '" + out.partition_mode + "'"));
    }
    return {};
  };
  for (const auto& read_one :
       {read_parallelism(), read_compression(), read_partition_mode(),
        read_bytes("max_batch_bytes", out.max_batch_bytes),
        read_bytes("max_record_bytes", out.max_record_bytes),
        read("max_inflight_batches", out.max_inflight_batches),
        read_bytes("checkpoint_interval_bytes", out.checkpoint_interval_bytes),
        read("checkpoint_interval_rows", out.checkpoint_interval_rows),
        read("checkpoint_interval_seconds", out.checkpoint_interval_seconds),
        read("stage_memory_mb", out.stage_memory_mb),
        read("stage_timeout_seconds", out.stage_timeout_seconds),
        read("no_progress_timeout_seconds", out.no_progress_timeout_seconds),
        read("network_timeout_seconds", out.network_timeout_seconds),
        read("max_retries", out.max_retries),
        read("retry_base_delay_ms", out.retry_base_delay_ms)}) {
    if (!read_one) errors.push_back(read_one.error());
  }
  if (!errors.empty()) return std::unexpected(join(errors, "\n"));
  // A wasm32 guest addresses at most 4 GiB; more would only let the host
  // reserve what no guest can use.
  if (out.stage_memory_mb == 0 || out.stage_memory_mb > 4096) {
    return std::unexpected(r.error(node["stage_memory_mb"], "resources.stage_memory_mb",
                                   "must be between 1 and 4096 (a wasm32 guest addresses at "
                                   "most 4 GiB), got " +
                                       std::to_string(out.stage_memory_mb)));
  }
  if (out.max_batch_bytes == 0)
    return std::unexpected(
        r.error(node["max_batch_bytes"], "resources.max_batch_bytes", "must be positive"));
  if (out.max_record_bytes == 0)
    return std::unexpected(
        r.error(node["max_record_bytes"], "resources.max_record_bytes", "must be positive"));
  if (out.parallelism == 0)
    return std::unexpected(
        r.error(node["parallelism"], "resources.parallelism", "must be positive"));
  return {};
}

std::expected<StreamConfig, Error> parse_stream(const Reader& r, const YAML::Node& node,
                                                const std::string& field) {
  RB_TRY(r.only_keys(node, field,
                     {"name", "sync_mode", "cursor_field", "columns", "write_mode", "primary_key",
                      "destination_table", "exclude", "partitions", "partition_key"}));
  StreamConfig s;
  if (!node["name"]) return std::unexpected(r.error(node, field + ".name", "missing"));
  RB_ASSIGN_OR_RETURN(s.name, r.string(node["name"], field + ".name"));
  if (node["sync_mode"]) {
    RB_ASSIGN_OR_RETURN(
        s.sync_mode, parse_enum_in<protocol::SyncMode>(r, node["sync_mode"], field + ".sync_mode",
                                                       protocol::kSyncModeNames));
  }
  if (node["cursor_field"]) {
    RB_ASSIGN_OR_RETURN(s.cursor_field, r.string(node["cursor_field"], field + ".cursor_field"));
  }
  if (node["columns"]) {
    RB_ASSIGN_OR_RETURN(s.columns, r.strings(node["columns"], field + ".columns"));
  }
  if (node["write_mode"]) {
    RB_ASSIGN_OR_RETURN(
        s.write_mode, parse_enum_in<protocol::WriteMode>(
                          r, node["write_mode"], field + ".write_mode", protocol::kWriteModeNames));
  }
  if (node["primary_key"]) {
    RB_ASSIGN_OR_RETURN(s.primary_key, r.strings(node["primary_key"], field + ".primary_key"));
  }
  if (node["destination_table"]) {
    RB_ASSIGN_OR_RETURN(s.destination_table,
                        r.string(node["destination_table"], field + ".destination_table"));
    if (s.destination_table->empty()) {
      return std::unexpected(
          r.error(node["destination_table"], field + ".destination_table", "must not be empty"));
    }
    if (s.is_pattern()) {
      return std::unexpected(r.error(node["destination_table"], field + ".destination_table",
                                     "not for a stream pattern, which stands for many streams"));
    }
  }
  if (node["exclude"]) {
    RB_ASSIGN_OR_RETURN(s.exclude, r.strings(node["exclude"], field + ".exclude"));
    if (!s.is_pattern()) {
      return std::unexpected(r.error(node["exclude"], field + ".exclude",
                                     "only for a stream pattern (a name with * or ?)"));
    }
  }
  if (node["partition_key"]) {
    RB_ASSIGN_OR_RETURN(s.partition_key, r.string(node["partition_key"], field + ".partition_key"));
    s.auto_partitions = !node["partitions"];
  }
  if (const YAML::Node partitions = node["partitions"]) {
    if (partitions.IsScalar() && partitions.Scalar() == "auto") {
      s.auto_partitions = true;
    } else {
      RB_ASSIGN_OR_RETURN(s.partitions, r.number<uint32_t>(partitions, field + ".partitions"));
      if (s.partitions == 0 || s.partitions > kMaxPartitions) {
        return std::unexpected(
            r.error(partitions, field + ".partitions",
                    "must be auto or between 1 and " + std::to_string(kMaxPartitions)));
      }
    }
  }
  return s;
}

// destination.schema_evolution: what the destination does when a stream's
// schema changes.
std::expected<void, Error> parse_schema_evolution(const Reader& r, const YAML::Node& evolution,
                                                  protocol::SchemaEvolutionPolicy& e) {
  const std::string field = "destination.schema_evolution";
  RB_TRY(r.only_keys(evolution, field,
                     {"new_column", "removed_column", "type_change", "nullability_change"}));
  if (evolution["new_column"]) {
    RB_ASSIGN_OR_RETURN(e.new_column, parse_enum<protocol::NewColumnPolicy>(
                                          r, evolution["new_column"], field + ".new_column",
                                          {{"add", protocol::NewColumnPolicy::kAdd},
                                           {"ignore", protocol::NewColumnPolicy::kIgnore},
                                           {"fail", protocol::NewColumnPolicy::kFail}}));
  }
  if (evolution["removed_column"]) {
    RB_ASSIGN_OR_RETURN(e.removed_column,
                        parse_enum<protocol::RemovedColumnPolicy>(
                            r, evolution["removed_column"], field + ".removed_column",
                            {{"ignore", protocol::RemovedColumnPolicy::kIgnore},
                             {"fail", protocol::RemovedColumnPolicy::kFail}}));
  }
  if (evolution["type_change"]) {
    RB_ASSIGN_OR_RETURN(e.type_change, parse_enum<protocol::TypeChangePolicy>(
                                           r, evolution["type_change"], field + ".type_change",
                                           {{"coerce", protocol::TypeChangePolicy::kCoerce},
                                            {"fail", protocol::TypeChangePolicy::kFail},
                                            {"null", protocol::TypeChangePolicy::kSetNull}}));
  }
  if (evolution["nullability_change"]) {
    RB_ASSIGN_OR_RETURN(e.nullability_change,
                        parse_enum<protocol::NullabilityChangePolicy>(
                            r, evolution["nullability_change"], field + ".nullability_change",
                            {{"allow", protocol::NullabilityChangePolicy::kAllow},
                             {"fail", protocol::NullabilityChangePolicy::kFail}}));
  }
  return {};
}

// state: the backend and its connection; a PostgreSQL connection string
// names the postgres backend.
std::expected<void, Error> parse_state(const Reader& r, const YAML::Node& state, StateConfig& out) {
  RB_TRY(r.only_keys(state, "state", {"backend", "connection"}));
  if (state["backend"]) {
    RB_ASSIGN_OR_RETURN(out.backend, r.string(state["backend"], "state.backend"));
    if (out.backend != "sqlite" && out.backend != "postgres") {
      return std::unexpected(
          r.error(state["backend"], "state.backend",
                  "unknown backend '" + out.backend + "' (expected one of: sqlite, postgres)"));
    }
  }
  if (state["connection"]) {
    RB_ASSIGN_OR_RETURN(out.connection, r.string(state["connection"], "state.connection"));
  }
  // A PostgreSQL URL or keyword string names the postgres backend; taken
  // for a SQLite path it would become a file whose name holds the password.
  const std::string& c = out.connection;
  const bool postgres_like = c.starts_with("postgres://") || c.starts_with("postgresql://") ||
                             c.find("host=") != std::string::npos ||
                             c.find("dbname=") != std::string::npos;
  if (postgres_like && !state["backend"]) {
    out.backend = "postgres";
  } else if (postgres_like && out.backend == "sqlite") {
    return std::unexpected(
        r.error(state["connection"], "state.connection",
                "is a PostgreSQL connection string, but state.backend is sqlite (set "
                "backend: postgres, or give a file path)"));
  }
  if (out.backend == "postgres" && out.connection.empty()) {
    return std::unexpected(
        r.error(state, "state.connection",
                "required for the postgres backend (a libpq connection string)"));
  }
  return {};
}

// A hint for a YAML error on a line indented with a tab (YAML indents
// with spaces only, and yaml-cpp's message does not say so).
std::string tab_hint(std::string_view yaml, size_t error_line) {
  size_t line = 0;
  size_t start = 0;
  while (line < error_line && start < yaml.size()) {
    const size_t end = yaml.find('\n', start);
    if (end == std::string_view::npos) return {};
    start = end + 1;
    ++line;
  }
  const size_t indent_end = yaml.find_first_not_of(" \t", start);
  const std::string_view indent = yaml.substr(
      start, indent_end == std::string_view::npos ? std::string_view::npos : indent_end - start);
  if (indent.find('\t') == std::string_view::npos) return {};
  return " (line " + std::to_string(error_line + 1) +
         " is indented with a tab; YAML indents with spaces only)";
}

// The document's root, or a syntax error with its line, column and a hint.
std::expected<YAML::Node, Error> load_yaml(const std::string& yaml,
                                           const std::filesystem::path& path) {
  try {
    return YAML::Load(yaml);
  } catch (const YAML::ParserException& e) {
    // yaml-cpp gives up on deep nesting with a message of its own.
    const std::string why =
        e.msg == "bad file" ? "nested too deeply (yaml-cpp's limit is about 2000 levels)" : e.msg;
    return std::unexpected(path.string() + ":" + std::to_string(e.mark.line + 1) + ":" +
                           std::to_string(e.mark.column + 1) + ": invalid YAML: " + why +
                           tab_hint(yaml, e.mark.line));
  }
}

// `source:`: the connector and its streams (at least one, names unique).
std::expected<void, Error> parse_source(const Reader& r, const YAML::Node& root, PipelineConfig& p,
                                        PipelineScope scope) {
  if (!root["source"]) return std::unexpected(r.error(root, "source", "missing"));
  RB_ASSIGN_OR_RETURN(
      p.source, r.connector(root["source"], "source", {"use", "config", "streams", "permissions"}));
  if (const auto streams = root["source"]["streams"]) {
    if (!streams.IsSequence())
      return std::unexpected(r.error(streams, "source.streams", "must be a list"));
    std::set<std::string> seen;
    // Where each stream lands, and which entry sends it there: two streams
    // into one destination table would overwrite or mix each other's rows.
    std::map<std::string, std::string> landing;
    std::vector<Error> errors;  // every stream's, not only the first
    for (size_t i = 0; i < streams.size(); ++i) {
      const std::string field = "source.streams[" + std::to_string(i) + "]";
      auto s = parse_stream(r, streams[i], field);
      if (!s) {
        errors.push_back(s.error());
      } else if (!seen.insert(s->name).second) {
        errors.push_back(
            r.error(streams[i], field + ".name", "duplicate stream '" + s->name + "'"));
      } else if (auto [at, fresh] = landing.emplace(s->destination_name(), s->name); !fresh) {
        const char* key = s->destination_table ? "destination_table" : "name";
        errors.push_back(r.error(streams[i][key], field + "." + key,
                                 "stream '" + s->name + "' would land in '" + at->first +
                                     "', where stream '" + at->second + "' lands too"));
      } else {
        p.streams.push_back(std::move(*s));
      }
    }
    if (!errors.empty()) return std::unexpected(join(errors, "\n"));
  }
  if (p.streams.empty() && scope == PipelineScope::kWhole)
    return std::unexpected(
        r.error(root["source"], "source.streams", "at least one stream is required"));
  return {};
}

// `transforms:`: a list of connectors, in order.
std::expected<void, Error> parse_transforms(const Reader& r, const YAML::Node& transforms,
                                            PipelineConfig& p) {
  if (!transforms.IsSequence())
    return std::unexpected(r.error(transforms, "transforms", "must be a list"));
  std::vector<Error> errors;
  for (size_t i = 0; i < transforms.size(); ++i) {
    auto t = r.connector(transforms[i], "transforms[" + std::to_string(i) + "]",
                         {"use", "config", "permissions"});
    if (!t) {
      errors.push_back(t.error());
    } else {
      p.transforms.push_back(std::move(*t));
    }
  }
  if (!errors.empty()) return std::unexpected(join(errors, "\n"));
  return {};
}

// `destination:`: the connector and the pipeline-wide write settings.
std::expected<void, Error> parse_destination(const Reader& r, const YAML::Node& root,
                                             PipelineConfig& p) {
  if (!root["destination"]) return std::unexpected(r.error(root, "destination", "missing"));
  const auto dest = root["destination"];
  RB_ASSIGN_OR_RETURN(p.destination,
                      r.connector(dest, "destination",
                                  {"use", "config", "permissions", "write_mode", "primary_key",
                                   "on_data_error", "schema_evolution"}));
  if (dest["write_mode"]) {
    RB_ASSIGN_OR_RETURN(p.write_mode, parse_enum_in<protocol::WriteMode>(
                                          r, dest["write_mode"], "destination.write_mode",
                                          protocol::kWriteModeNames));
  }
  if (dest["on_data_error"]) {
    RB_ASSIGN_OR_RETURN(
        p.policies.on_data_error,
        parse_enum<protocol::DataErrorPolicy>(r, dest["on_data_error"], "destination.on_data_error",
                                              {{"fail", protocol::DataErrorPolicy::kFail},
                                               {"skip", protocol::DataErrorPolicy::kSkip},
                                               {"dlq", protocol::DataErrorPolicy::kDlq}}));
  }
  if (const auto evolution = dest["schema_evolution"]) {
    RB_TRY(parse_schema_evolution(r, evolution, p.policies.schema_evolution));
  }
  if (dest["primary_key"]) {
    RB_ASSIGN_OR_RETURN(p.primary_key, r.strings(dest["primary_key"], "destination.primary_key"));
  }
  return {};
}

// A cdc stream's partitioned snapshot is written by upsert (or append, a
// change log): its slices' rows are the start of the stream that its
// changes then update, which a replace of the table would not be.
std::expected<void, Error> check_partitioned_cdc(const Reader& r, const YAML::Node& root,
                                                 const PipelineConfig& p) {
  const YAML::Node streams = root["source"]["streams"];
  for (size_t i = 0; i < p.streams.size() && i < streams.size(); ++i) {
    const StreamConfig& s = p.streams[i];
    if (s.sync_mode != protocol::SyncMode::kCdc || !(s.partitions > 1 || s.auto_partitions) ||
        write_mode_of(p, s) != protocol::WriteMode::kReplace) {
      continue;
    }
    const bool counted = static_cast<bool>(streams[i]["partitions"]);
    return std::unexpected(r.error(
        counted ? streams[i]["partitions"] : streams[i]["partition_key"],
        "source.streams[" + std::to_string(i) + "]" + (counted ? ".partitions" : ".partition_key"),
        "a cdc stream's partitioned snapshot is written with write_mode upsert or append; "
        "stream '" +
            s.name + "' has replace"));
  }
  return {};
}

}  // namespace

std::expected<PipelineConfig, std::string> parse_pipeline(const std::string& yaml,
                                                          const std::filesystem::path& path,
                                                          PipelineScope scope) {
  Reader r(path);
  RB_ASSIGN_OR_RETURN(const YAML::Node root, load_yaml(yaml, path));
  if (!root.IsMap())
    return std::unexpected(path.string() + ": the pipeline must be a YAML mapping");
  RB_TRY(r.unique_keys(root, ""));
  RB_TRY(r.only_keys(
      root, "",
      {"version", "pipeline", "source", "transforms", "destination", "state", "resources"}));
  PipelineConfig p;
  p.file = path;
  // Every section is read, so one run names all of a file's problems.
  std::vector<Error> errors;
  auto collect = [&](std::expected<void, Error> done) {
    if (!done) errors.push_back(std::move(done).error());
  };
  if (root["version"]) {
    // "1.0" is how the seed project's files write version 1.
    collect([&]() -> std::expected<void, Error> {
      RB_ASSIGN_OR_RETURN(auto version, r.string(root["version"], "version"));
      if (version != "1" && version != "1.0") {
        return std::unexpected(r.error(
            root["version"], "version",
            "unsupported pipeline version '" + version + "' (this release reads version 1)"));
      }
      return {};
    }());
  }
  if (!root["pipeline"] && scope == PipelineScope::kSource) {
    p.pipeline = path.stem().string();
  } else if (!root["pipeline"]) {
    errors.push_back(r.error(root, "pipeline", "missing (the pipeline's name)"));
  } else if (auto name = r.string(root["pipeline"], "pipeline"); !name) {
    errors.push_back(name.error());
  } else if (name->empty() || name->find('/') != std::string::npos) {
    // '/' separates the parts of the pipeline's state keys: "a/stream/x"
    // would share keys with pipeline "a", and its reset would clear them.
    errors.push_back(r.error(root["pipeline"], "pipeline",
                             "'" + *name +
                                 "' cannot be a pipeline's name: it must be non-empty "
                                 "and without '/'"));
  } else {
    p.pipeline = *name;
  }
  collect(parse_source(r, root, p, scope));
  if (const auto transforms = root["transforms"]) collect(parse_transforms(r, transforms, p));
  if (root["destination"] || scope == PipelineScope::kWhole) collect(parse_destination(r, root, p));
  if (errors.empty()) collect(check_partitioned_cdc(r, root, p));
  if (const auto state = root["state"]) collect(parse_state(r, state, p.state));
  if (const auto res = root["resources"]) collect(parse_resources(r, res, p.resources));
  if (!errors.empty()) return std::unexpected(join(errors, "\n"));
  return p;
}

std::expected<PipelineConfig, std::string> load_pipeline(const std::filesystem::path& path,
                                                         PipelineScope scope) {
  std::ifstream in(path);
  if (!in) return std::unexpected(path.string() + ": cannot open the pipeline file");
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxPipelineFileBytes) {
    return std::unexpected(path.string() + ": the pipeline file has " + std::to_string(size) +
                           " bytes, more than a pipeline file may have (" +
                           std::to_string(kMaxPipelineFileBytes >> 20) +
                           " MiB); is it the right file?");
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_pipeline(text.str(), path, scope);
}

protocol::WriteMode write_mode_of(const PipelineConfig& pipeline, const StreamConfig& stream) {
  return stream.write_mode.value_or(pipeline.write_mode);
}

uint32_t partition_count(const PipelineConfig& pipeline, const StreamConfig& stream) {
  if (!stream.auto_partitions) return stream.partitions;
  const uint32_t workers = pipeline.resources.parallelism;
  return workers <= 1 ? 1 : std::min(kMaxPartitions, kAutoSlicesPerWorker * workers);
}

const std::vector<std::string>& primary_key_of(const PipelineConfig& pipeline,
                                               const StreamConfig& stream) {
  return stream.primary_key.empty() ? pipeline.primary_key : stream.primary_key;
}

}  // namespace rapidbyte::engine
