// test-file-prober.wasm: a source that tries, through WASI, to read and write
// files wherever its config says, the way a hostile or buggy connector
// would, so host tests can prove the sandbox grants exactly the directories
// of its policy (tests/host/filesystem_sandbox_test.cpp).
//
// The config string given to `open` (as is, or the `script` of
// {"root": ..., "script": ...} from a pipeline, whose root the manifest asks
// to be granted) holds one operation per line:
//   read <path>            reads the file,
//   write <path> <text>    creates or truncates the file and writes text,
//   list <path>            lists the directory (names sorted),
//   mkdir <path>           creates the directory,
//   rename <from> <to>     renames,
//   symlink <target> <link> creates a symbolic link,
//   remove <path>          removes the file.
// `run` logs one line per operation: "<operation line>: ok[ <result>]" or
// "<operation line>: <strerror>".
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "guest/sdk/sdk.hpp"
#include "portable/base/try.hpp"

namespace {

using namespace rapidbyte;

std::vector<std::string> words(std::string_view line) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < line.size()) {
    const size_t end = std::min(line.find(' ', pos), line.size());
    if (end > pos) out.emplace_back(line.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

std::string failure() {
  return std::strerror(errno);
}

std::string read_file(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return failure();
  std::string text(4096, '\0');
  text.resize(std::fread(text.data(), 1, text.size(), file));
  std::fclose(file);
  return "ok " + text;
}

std::string write_file(const std::string& path, const std::string& text) {
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return failure();
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  const bool closed = std::fclose(file) == 0;
  return written && closed ? "ok" : failure();
}

std::string list_directory(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return failure();
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(dir);
  std::ranges::sort(names);
  std::string out = "ok";
  for (const auto& name : names) out += " " + name;
  return out;
}

std::string outcome(int result) {
  return result == 0 ? "ok" : failure();
}

std::string perform(const std::vector<std::string>& op) {
  const std::string& verb = op[0];
  if (verb == "read" && op.size() == 2) return read_file(op[1]);
  if (verb == "write" && op.size() == 3) return write_file(op[1], op[2]);
  if (verb == "list" && op.size() == 2) return list_directory(op[1]);
  if (verb == "mkdir" && op.size() == 2) return outcome(::mkdir(op[1].c_str(), 0755));
  if (verb == "rename" && op.size() == 3) return outcome(std::rename(op[1].c_str(), op[2].c_str()));
  if (verb == "symlink" && op.size() == 3) return outcome(::symlink(op[1].c_str(), op[2].c_str()));
  if (verb == "remove" && op.size() == 2) return outcome(::unlink(op[1].c_str()));
  return "unknown operation";
}

class FileProber final : public sdk::Source {
 public:
  sdk::Result<void> open(std::string_view config) override {
    script_ = config;
    if (config.starts_with("{")) {
      RB_ASSIGN_OR_RETURN(auto parsed, sdk::JsonConfig::parse(config));
      RB_ASSIGN_OR_RETURN(script_, parsed.require_string("script"));
    }
    return {};
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx, const protocol::RunRequest&) override {
    size_t pos = 0;
    while (pos < script_.size()) {
      const size_t end = std::min(script_.find('\n', pos), script_.size());
      const std::string line = script_.substr(pos, end - pos);
      pos = end + 1;
      const auto op = words(line);
      if (!op.empty()) ctx.info(line + ": " + perform(op));
    }
    return sdk::summary(protocol::ReadSummary{});
  }

 private:
  std::string script_;
};

}  // namespace

RAPIDBYTE_EXPORT_SOURCE(FileProber)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "test-file-prober",
  "version": "0.1.0",
  "protocol_version": 4,
  "roles": ["source"],
  "description": "Test guest that reads and writes files wherever it is told.",
  "capabilities": {"sync_modes": ["full_refresh"], "write_modes": []},
  "permissions": {"network": {"hosts": [], "hosts_from_config": []}, "env": [],
                  "filesystem": [{"from_config": "root", "access": "read_write"}]},
  "resources": {"memory_mb": 64},
  "config_schema": {}
});
// clang-format on
