#include "host/engine/network_grants.hpp"

#include <rapidjson/document.h>

namespace rapidbyte::engine {

std::string host_of_config_value(std::string_view value) {
  const size_t scheme = value.find("://");
  if (scheme == std::string_view::npos) return std::string(value);
  std::string_view authority = value.substr(scheme + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    return std::string(
        authority.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  return std::string(authority.substr(0, authority.find(':')));
}

std::vector<std::string> requested_hosts(const runtime::Manifest& manifest,
                                         const std::string& config_json) {
  std::vector<std::string> hosts = manifest.network_hosts;
  if (manifest.network_hosts_from_config.empty()) return hosts;
  rapidjson::Document doc;
  doc.Parse(config_json.c_str());
  if (!doc.IsObject()) return hosts;
  for (const std::string& field : manifest.network_hosts_from_config) {
    const auto it = doc.FindMember(field.c_str());
    if (it == doc.MemberEnd() || !it->value.IsString()) continue;
    std::string host =
        host_of_config_value(std::string_view(it->value.GetString(), it->value.GetStringLength()));
    if (!host.empty()) hosts.push_back(std::move(host));
  }
  return hosts;
}

}  // namespace rapidbyte::engine
