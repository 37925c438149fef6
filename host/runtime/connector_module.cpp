#include "host/runtime/connector_module.hpp"

#include <algorithm>
#include <regex>

#include "portable/base/try.hpp"
#include "portable/protocol/mode_names.hpp"

namespace rapidbyte::runtime {

namespace {

constexpr std::string_view kComponentTypePrefix = "component-type:";
constexpr std::string_view kV4Package = "rapidbyte:connector@4.0.0";

// The bindings generator names the section "component-type:<world>" and
// encodes the world's fully qualified name ("ns:pkg/<world>@version") inside
// it as a length-prefixed string. Finds that name; empty when absent.
std::string qualified_world(const std::string& world, std::span<const uint8_t> data) {
  const std::regex pattern("[a-z0-9-]+:[a-z0-9-]+/" +
                           std::regex_replace(world, std::regex("[^a-z0-9-]"), "") +
                           "@[0-9A-Za-z.+-]+");
  const std::string needle = "/" + world + "@";
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  for (size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1)) {
    // The name starts somewhere before `at`, right after a one-byte length
    // that covers it exactly (names are shorter than 128 bytes).
    for (size_t begin = at; begin > 0 && at - begin < 128; --begin) {
      const size_t length = static_cast<uint8_t>(text[begin - 1]);
      if (begin + length > text.size() || begin + length < at + needle.size()) continue;
      const std::string name(text.substr(begin, length));
      if (std::regex_match(name, pattern)) return name;
    }
  }
  return {};
}

// "ns:pkg/world@1.2.3" -> "ns:pkg@1.2.3".
std::string package_of(std::string_view qualified, std::string_view world) {
  const std::string infix = "/" + std::string(world);
  const auto at = qualified.find(infix + "@");
  if (at == std::string_view::npos) return {};
  return std::string(qualified.substr(0, at)) + std::string(qualified.substr(at + infix.size()));
}

}  // namespace

std::expected<ModuleIdentity, std::string> identify_module(std::span<const uint8_t> wasm) {
  RB_ASSIGN_OR_RETURN(auto sections, read_custom_sections(wasm));

  std::vector<std::string> targets;
  std::optional<ModuleIdentity> identity;
  const CustomSection* manifest_section = nullptr;
  for (const auto& section : sections) {
    if (section.name == kManifestSection) manifest_section = &section;
    if (!section.name.starts_with(kComponentTypePrefix)) continue;
    const std::string world = section.name.substr(kComponentTypePrefix.size());
    const std::string qualified = qualified_world(world, section.data);
    targets.push_back(qualified.empty() ? world : qualified);
    if (package_of(qualified, world) != kV4Package) continue;
    ModuleIdentity id;
    id.world = qualified;
    if (world == "rapidbyte-source") {
      id.role = protocol::ConnectorRole::kSource;
    } else if (world == "rapidbyte-destination") {
      id.role = protocol::ConnectorRole::kDestination;
    } else if (world == "rapidbyte-transform") {
      id.role = protocol::ConnectorRole::kTransform;
    } else {
      return std::unexpected("module targets world '" + qualified +
                             "', which is not a connector world (rapidbyte-source, "
                             "rapidbyte-destination, rapidbyte-transform)");
    }
    identity = std::move(id);
  }
  if (!identity) {
    if (targets.empty()) {
      return std::unexpected("module has no component-type section, so it was not built for a " +
                             std::string(kV4Package) + " world (build it with the connector SDK)");
    }
    std::string list;
    for (const auto& t : targets) list += (list.empty() ? "'" : ", '") + t + "'";
    return std::unexpected("module targets " + list + ", not a " + std::string(kV4Package) +
                           " connector world");
  }
  if (!manifest_section) {
    return std::unexpected("module has no '" + std::string(kManifestSection) +
                           "' section (declare one with RAPIDBYTE_MANIFEST)");
  }
  std::string_view json(reinterpret_cast<const char*>(manifest_section->data.data()),
                        manifest_section->data.size());
  while (!json.empty() && json.back() == '\0') json.remove_suffix(1);
  auto manifest = Manifest::parse(json);
  if (!manifest) return std::unexpected(manifest.error());
  if (manifest->protocol_version != 4) {
    return std::unexpected("manifest of '" + manifest->id + "' declares protocol_version " +
                           std::to_string(manifest->protocol_version) + "; this host speaks 4");
  }
  if (std::ranges::find(manifest->roles, identity->role) == manifest->roles.end()) {
    return std::unexpected("manifest of '" + manifest->id + "' does not list the role '" +
                           std::string(protocol::role_name(identity->role)) +
                           "' its world exports");
  }
  identity->manifest = std::move(*manifest);
  return std::move(*identity);
}

}  // namespace rapidbyte::runtime
