#include "host/runtime/manifest.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "portable/protocol/mode_names.hpp"

namespace rapidbyte::runtime {

namespace {

using Value = rapidjson::Value;

std::expected<std::string, std::string> string_field(const Value& obj, const char* name,
                                                     bool required) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) {
    if (required) return std::unexpected(std::string("missing field '") + name + "'");
    return std::string();
  }
  if (!it->value.IsString())
    return std::unexpected(std::string("field '") + name + "' must be a string");
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::expected<std::vector<std::string>, std::string> string_list(const Value& obj, const char* name,
                                                                 const std::string& path) {
  std::vector<std::string> out;
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return out;
  if (!it->value.IsArray())
    return std::unexpected("field '" + path + name + "' must be a list of strings");
  for (const auto& v : it->value.GetArray()) {
    if (!v.IsString())
      return std::unexpected("field '" + path + name + "' must be a list of strings");
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

// `permissions.filesystem`: a list of {"path": "/dir"} or
// {"from_config": "field"}, each with "access": "read" (default) or
// "read_write".
std::expected<std::vector<FilesystemNeed>, std::string> filesystem_needs(const Value& perms) {
  std::vector<FilesystemNeed> needs;
  auto it = perms.FindMember("filesystem");
  if (it == perms.MemberEnd()) return needs;
  const std::string field = "field 'permissions.filesystem";
  if (!it->value.IsArray()) return std::unexpected(field + "' must be a list of objects");
  for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
    const Value& entry = it->value[i];
    const std::string where = field + "[" + std::to_string(i) + "]";
    if (!entry.IsObject()) return std::unexpected(where + "' must be an object");
    FilesystemNeed need;
    for (const auto& member : entry.GetObject()) {
      const std::string key(member.name.GetString(), member.name.GetStringLength());
      if (!member.value.IsString())
        return std::unexpected(where + "." + key + "' must be a string");
      const std::string value(member.value.GetString(), member.value.GetStringLength());
      if (key == "path") {
        need.path = value;
      } else if (key == "from_config") {
        need.from_config = value;
      } else if (key == "access" && (value == "read" || value == "read_write")) {
        need.access =
            value == "read" ? FilesystemNeed::Access::kRead : FilesystemNeed::Access::kReadWrite;
      } else if (key == "access") {
        return std::unexpected(where + ".access' must be \"read\" or \"read_write\", not \"" +
                               value + "\"");
      } else {
        return std::unexpected(where + "' has an unknown key '" + key +
                               "' (expected path, from_config, access)");
      }
    }
    if (need.path.empty() == need.from_config.empty())
      return std::unexpected(where + "' must have exactly one of 'path' and 'from_config'");
    if (!need.path.empty() && need.path.front() != '/')
      return std::unexpected(where + ".path' must be an absolute path, not '" + need.path + "'");
    needs.push_back(std::move(need));
  }
  return needs;
}

const Value* object_field(const Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  return it != obj.MemberEnd() && it->value.IsObject() ? &it->value : nullptr;
}

}  // namespace

std::expected<Manifest, std::string> Manifest::parse(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) {
    return std::unexpected(std::string("manifest is not valid JSON: ") +
                           rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                           std::to_string(doc.GetErrorOffset()));
  }
  if (!doc.IsObject()) return std::unexpected("manifest must be a JSON object");

  Manifest m;
  auto id = string_field(doc, "id", true);
  if (!id) return std::unexpected("manifest: " + id.error());
  m.id = *id;
  auto version = string_field(doc, "version", true);
  if (!version) return std::unexpected("manifest: " + version.error());
  m.version = *version;
  m.description = string_field(doc, "description", false).value_or("");

  auto pv = doc.FindMember("protocol_version");
  if (pv == doc.MemberEnd() || !pv->value.IsUint()) {
    return std::unexpected("manifest: field 'protocol_version' must be an unsigned integer");
  }
  m.protocol_version = pv->value.GetUint();

  auto roles = string_list(doc, "roles", "");
  if (!roles) return std::unexpected("manifest: " + roles.error());
  for (const auto& r : *roles) {
    if (r == "source") {
      m.roles.push_back(protocol::ConnectorRole::kSource);
    } else if (r == "destination") {
      m.roles.push_back(protocol::ConnectorRole::kDestination);
    } else if (r == "transform") {
      m.roles.push_back(protocol::ConnectorRole::kTransform);
    } else {
      return std::unexpected("manifest: unknown role '" + r + "' in 'roles'");
    }
  }

  if (const Value* caps = object_field(doc, "capabilities")) {
    auto sync = string_list(*caps, "sync_modes", "capabilities.");
    if (!sync) return std::unexpected("manifest: " + sync.error());
    for (const auto& name : *sync) {
      auto mode = protocol::sync_mode_named(name);
      if (!mode) {
        return std::unexpected("manifest: unknown sync mode '" + name +
                               "' in 'capabilities.sync_modes'");
      }
      m.sync_modes.push_back(*mode);
    }
    auto write = string_list(*caps, "write_modes", "capabilities.");
    if (!write) return std::unexpected("manifest: " + write.error());
    for (const auto& name : *write) {
      auto mode = protocol::write_mode_named(name);
      if (!mode) {
        return std::unexpected("manifest: unknown write mode '" + name +
                               "' in 'capabilities.write_modes'");
      }
      m.write_modes.push_back(*mode);
    }
    auto cursor = string_field(*caps, "cursor", false);
    if (!cursor) return std::unexpected("manifest: capabilities." + cursor.error());
    if (*cursor == "connector") {
      m.cursor = Manifest::Cursor::kConnector;
    } else if (!cursor->empty() && *cursor != "column") {
      return std::unexpected(
          "manifest: field 'capabilities.cursor' must be \"column\" or "
          "\"connector\"");
    }
  }
  if (const Value* perms = object_field(doc, "permissions")) {
    if (const Value* net = object_field(*perms, "network")) {
      auto hosts = string_list(*net, "hosts", "permissions.network.");
      if (!hosts) return std::unexpected("manifest: " + hosts.error());
      m.network_hosts = *hosts;
      auto from_config = string_list(*net, "hosts_from_config", "permissions.network.");
      if (!from_config) return std::unexpected("manifest: " + from_config.error());
      m.network_hosts_from_config = *from_config;
    }
    auto env = string_list(*perms, "env", "permissions.");
    if (!env) return std::unexpected("manifest: " + env.error());
    m.env = *env;
    auto fs = filesystem_needs(*perms);
    if (!fs) return std::unexpected("manifest: " + fs.error());
    m.filesystem = *fs;
  }
  if (const Value* res = object_field(doc, "resources")) {
    auto mem = res->FindMember("memory_mb");
    if (mem != res->MemberEnd()) {
      if (!mem->value.IsUint64())
        return std::unexpected("manifest: field 'resources.memory_mb' must be an unsigned integer");
      m.memory_mb = mem->value.GetUint64();
    }
  }
  m.config_schema = "{}";
  if (auto schema = doc.FindMember("config_schema"); schema != doc.MemberEnd()) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    schema->value.Accept(writer);
    m.config_schema.assign(buffer.GetString(), buffer.GetSize());
  }
  return m;
}

}  // namespace rapidbyte::runtime
