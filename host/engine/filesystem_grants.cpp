#include "host/engine/filesystem_grants.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "portable/base/join.hpp"

namespace rapidbyte::engine {

namespace {

namespace fs = std::filesystem;
using Access = runtime::FilesystemNeed::Access;

// `path` made absolute against the working directory, with `.` and `..`
// folded and no trailing slash.
fs::path absolute_normal(const std::string& path) {
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec).lexically_normal();
  if (!absolute.has_filename() && absolute != absolute.root_path()) {
    absolute = absolute.parent_path();
  }
  return absolute;
}

// Where `path` really leads: the symbolic links of its existing part resolved.
fs::path real_path(const fs::path& path) {
  std::error_code ec;
  fs::path real = fs::weakly_canonical(path, ec);
  return ec ? path : real;
}

bool is_within(const fs::path& inner, const fs::path& outer) {
  auto [outer_end, inner_end] = std::ranges::mismatch(outer, inner);
  return outer_end == outer.end();
}

class Granter {
 public:
  Granter(const runtime::Manifest& manifest, protocol::ConnectorRole role,
          const ConnectorConfig& config)
      : manifest_(manifest), read_only_(role == protocol::ConnectorRole::kSource), config_(config) {
    config_doc_.Parse(config.config_json.c_str());
  }

  std::expected<FilesystemGrants, std::string> grant() {
    bool rewritten = false;
    for (const runtime::FilesystemNeed& need : manifest_.filesystem) {
      std::string value = need.path;
      std::string named = "its manifest's directory";
      if (!need.from_config.empty()) {
        auto field = config_value(need.from_config);
        if (!field) continue;
        value = *field;
        named = "config." + need.from_config;
      }
      if (value.empty() || value.find("://") != std::string::npos) continue;
      const fs::path lexical = absolute_normal(value);
      grant_one(lexical, named, !read_only_ && need.access == Access::kReadWrite);
      if (!need.from_config.empty() && lexical.string() != value) {
        config_doc_[need.from_config.c_str()].SetString(lexical.c_str(),
                                                        config_doc_.GetAllocator());
        rewritten = true;
      }
    }
    if (!problems_.empty()) return std::unexpected(problems_);
    FilesystemGrants grants{config_.config_json, std::move(directories_)};
    if (rewritten) {
      rapidjson::StringBuffer buffer;
      rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
      config_doc_.Accept(writer);
      grants.config_json.assign(buffer.GetString(), buffer.GetSize());
    }
    return grants;
  }

 private:
  std::optional<std::string> config_value(const std::string& field) const {
    if (!config_doc_.IsObject()) return std::nullopt;
    auto it = config_doc_.FindMember(field.c_str());
    if (it == config_doc_.MemberEnd() || !it->value.IsString()) return std::nullopt;
    return std::string(it->value.GetString(), it->value.GetStringLength());
  }

  // Grants `lexical` (or the parts of it the pipeline permits), or records
  // why not.
  void grant_one(const fs::path& lexical, const std::string& named, bool writable) {
    const fs::path real = real_path(lexical);
    const std::string what = named + " '" + lexical.string() + "'";
    std::error_code ec;
    const fs::file_status status = fs::status(real, ec);
    if (fs::exists(status) && !fs::is_directory(status)) {
      return problem(what + " is not a directory");
    }
    if (!writable && !fs::exists(status)) return problem(what + " does not exist");
    if (!config_.directories) {
      directories_.push_back({real.string(), lexical.string(), writable});
      return;
    }
    std::vector<fs::path> permitted;
    for (const std::string& dir : *config_.directories) {
      permitted.push_back(real_path(absolute_normal(dir)));
    }
    if (std::ranges::any_of(permitted, [&](const fs::path& p) { return is_within(real, p); })) {
      directories_.push_back({real.string(), lexical.string(), writable});
      return;
    }
    // The pipeline may permit only some directories below the one asked
    // for: the guest gets those, under the names it would use for them.
    bool narrowed = false;
    for (const fs::path& p : permitted) {
      if (!is_within(p, real)) continue;
      directories_.push_back(
          {p.string(), (lexical / p.lexically_relative(real)).string(), writable});
      narrowed = true;
    }
    if (!narrowed) {
      problem(what + " is outside the directories the pipeline grants (permissions.filesystem: " +
              join(*config_.directories) + ")");
    }
  }

  void problem(const std::string& what) {
    problems_ += (problems_.empty() ? "" : "\n") + ("connector '" + manifest_.id + "': " + what);
  }

  const runtime::Manifest& manifest_;
  const bool read_only_;
  const ConnectorConfig& config_;
  rapidjson::Document config_doc_;
  std::vector<runtime::GrantedDirectory> directories_;
  std::string problems_;
};

}  // namespace

std::expected<FilesystemGrants, std::string> grant_filesystem(const runtime::Manifest& manifest,
                                                              protocol::ConnectorRole role,
                                                              const ConnectorConfig& config) {
  return Granter(manifest, role, config).grant();
}

void create_writable_directories(const std::vector<runtime::GrantedDirectory>& directories) {
  for (const runtime::GrantedDirectory& dir : directories) {
    std::error_code ec;
    if (dir.writable) fs::create_directories(dir.host_path, ec);
  }
}

}  // namespace rapidbyte::engine
