#include "host/cli/scaffold.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <string_view>
#include <utility>

#include "host/cli/scaffold_templates.hpp"

namespace rapidbyte::cli {

namespace {

// Fills a template's @key@ placeholders (the syntax of CMake's configure_file,
// so C++ braces and shell ${} need no escaping in the template files).
std::string fill(std::string_view text,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const size_t at = text.find('@');
    const size_t close = at == std::string_view::npos ? at : text.find('@', at + 1);
    if (close == std::string_view::npos) break;
    const std::string_view key = text.substr(at + 1, close - at - 1);
    const auto* value = std::find_if(values.begin(), values.end(),
                                     [&](const auto& entry) { return entry.first == key; });
    if (value == values.end()) {  // a lone '@': keep it, look on from the next
      out.append(text.substr(0, at + 1));
      text.remove_prefix(at + 1);
      continue;
    }
    out.append(text.substr(0, at));
    out.append(value->second);
    text.remove_prefix(close + 1);
  }
  out.append(text);
  return out;
}

// source-x -> SourceX
std::string class_name(const std::string& name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '-') {
      upper = true;
      continue;
    }
    out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    upper = false;
  }
  return out;
}

std::string_view role_of(const std::string& name) {
  if (name.starts_with("source-")) return "source";
  if (name.starts_with("dest-")) return "destination";
  return "transform";
}

}  // namespace

std::expected<std::vector<std::filesystem::path>, std::string> scaffold_connector(
    const std::string& name, const std::filesystem::path& parent, const ScaffoldTools& tools) {
  static const std::regex kName("(source|dest|transform)-[a-z][a-z0-9-]*");
  if (!std::regex_match(name, kName)) {
    return std::unexpected(
        "connector name '" + name +
        "' must be source-<x>, dest-<x> or transform-<x> (lower case letters, digits, "
        "dashes)");
  }
  const std::string role(role_of(name));
  std::string stem = name;
  std::replace(stem.begin(), stem.end(), '-', '_');
  const std::string cls = class_name(name);
  const std::string sdk = tools.sdk_prefix.string();
  const std::string rapidbyte = tools.rapidbyte.string();

  // (file written, template it is filled from)
  const std::pair<std::string, std::string> layout[] = {{stem + ".cpp", role + ".cpp.in"},
                                                        {"CMakeLists.txt", "CMakeLists.txt.in"},
                                                        {"test.yaml", role + ".yaml.in"},
                                                        {"test.sh", "test.sh.in"}};
  std::vector<std::pair<std::filesystem::path, std::string>> files;
  const std::filesystem::path dir = parent / name;
  for (const auto& [file, template_name] : layout) {
    const auto text = scaffold_template(template_name);
    if (!text) return std::unexpected("this binary has no scaffold template " + template_name);
    files.emplace_back(dir / file, fill(*text, {{"name", name},
                                                {"role", role},
                                                {"class", cls},
                                                {"stem", stem},
                                                {"sdk", sdk},
                                                {"rapidbyte", rapidbyte}}));
  }

  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) return std::unexpected(dir.string() + " already exists");
  if (!std::filesystem::create_directories(dir, ec)) {
    return std::unexpected("cannot create " + dir.string() + ": " + ec.message());
  }
  std::vector<std::filesystem::path> written;
  for (const auto& [path, text] : files) {
    std::ofstream out(path);
    out << text;
    if (!out) return std::unexpected("cannot write " + path.string());
    written.push_back(path);
  }
  std::filesystem::permissions(
      dir / "test.sh", std::filesystem::perms::owner_exec | std::filesystem::perms::group_exec,
      std::filesystem::perm_options::add, ec);
  return written;
}

}  // namespace rapidbyte::cli
