// The hosts a connector may connect to: those its manifest names, and the
// host each of its `hosts_from_config` fields holds. A field may hold a
// host name or address ("db.internal") or a URL
// ("http://127.0.0.1:7070", "https://s3.eu-west-1.amazonaws.com"), whose
// host is granted, never more of it: an object store's endpoint grants
// that endpoint only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "host/runtime/manifest.hpp"

namespace rapidbyte::engine {

// The host of a config value: a URL's host (without scheme, user, port or
// path; an IPv6 address without its brackets), or the value itself.
std::string host_of_config_value(std::string_view value);

// The hosts `manifest` asks for with the connector's config `config_json`
// (fields that are missing or not strings grant nothing).
std::vector<std::string> requested_hosts(const runtime::Manifest& manifest,
                                         const std::string& config_json);

}  // namespace rapidbyte::engine
