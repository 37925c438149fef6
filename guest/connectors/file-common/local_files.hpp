// Files and directories as a file connector sees them through WASI: only
// inside the directories the host granted (preopened), under the absolute
// paths the host rewrote the config to.
//
// Every failure is an sdk error (code FILE_IO) naming the operation, the
// path and the system's reason. Parquet reads and writes go through
// LocalInputFile and LocalOutputFile. Not thread-safe; a module is
// single-threaded.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "guest/connectors/file-common/file_sink.hpp"
#include "guest/sdk/error.hpp"
#include "portable/parquet/file_reader.hpp"
#include "portable/parquet/file_writer.hpp"

namespace rapidbyte::connectors::files {

// `dir` + "/" + `name`.
std::string join_path(std::string_view dir, std::string_view name);

// Whether a file or directory name is hidden from readers: a leading '.' or
// '_' (how Spark, Hive, pyarrow and our own writers mark temporary files,
// markers and staging directories).
bool is_hidden_name(std::string_view name);

enum class EntryKind : uint8_t { kMissing, kFile, kDirectory, kOther };
// What is at `path` (symbolic links followed).
sdk::Result<EntryKind> entry_kind(const std::string& path);

struct FileStatus {
  EntryKind kind = EntryKind::kMissing;
  uint64_t size = 0;
  // When the file last changed, or was renamed into its directory: a file
  // written elsewhere and moved in is new from the moment it appears.
  int64_t change_time_ns = 0;
};
sdk::Result<FileStatus> file_status(const std::string& path);

// Creates `path` and its missing parents.
sdk::Result<void> make_directories(const std::string& path);

// The names in directory `dir`, sorted; hidden names too. Fails when `dir`
// does not exist.
sdk::Result<std::vector<std::string>> list_directory(const std::string& dir);

// The regular files under `dir`, recursively, as paths relative to it
// ("a=1/part-0.parquet"), sorted; hidden names (and everything under a
// hidden directory) skipped. Empty when `dir` does not exist.
sdk::Result<std::vector<std::string>> list_visible_files(const std::string& dir);

// Renames, replacing a file `to`.
sdk::Result<void> rename_path(const std::string& from, const std::string& to);
// Removes a file; nothing when it is gone already.
sdk::Result<void> remove_file(const std::string& path);
// Removes `path` and everything under it; nothing when it is gone already.
sdk::Result<void> remove_tree(const std::string& path);

// Creates the symbolic link `link` holding `target`.
sdk::Result<void> make_symlink(const std::string& target, const std::string& link);
// What the symbolic link at `path` holds; nullopt when `path` is not one.
sdk::Result<std::optional<std::string>> read_symlink(const std::string& path);

// The whole file (small files only: markers, manifests).
sdk::Result<std::string> read_small_file(const std::string& path);
// Creates or truncates `path` with `text`, flushed to disk.
sdk::Result<void> write_small_file(const std::string& path, std::string_view text);

// A new file written front to back; flushed to disk by finish().
class LocalOutputFile final : public FileSink {
 public:
  // Creates (or truncates) `path`.
  static sdk::Result<LocalOutputFile> create(std::string path);
  LocalOutputFile(LocalOutputFile&& other) noexcept;
  LocalOutputFile& operator=(LocalOutputFile&& other) noexcept;
  ~LocalOutputFile() override;

  parquet::Result<void> write(std::span<const uint8_t> bytes) override;
  // Writes what is buffered, syncs and closes; the file is durable then.
  sdk::Result<void> finish() override;

  const std::string& path() const { return path_; }
  const std::string& name() const override { return path_; }
  uint64_t size() const override { return size_; }

 private:
  LocalOutputFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  parquet::Result<void> flush();

  std::string path_;
  int fd_ = -1;
  std::vector<uint8_t> buffer_;
  uint64_t size_ = 0;
};

// A file read by ranges.
class LocalInputFile final : public parquet::InputFile {
 public:
  static sdk::Result<LocalInputFile> open(std::string path);
  LocalInputFile(LocalInputFile&& other) noexcept;
  LocalInputFile& operator=(LocalInputFile&& other) noexcept;
  ~LocalInputFile() override;

  parquet::Result<uint64_t> size() override;
  parquet::Result<void> read_at(uint64_t offset, std::span<uint8_t> out) override;
  // The whole file, into `out` (replacing what it held).
  sdk::Result<void> read_all(std::vector<uint8_t>& out);

  const std::string& path() const { return path_; }

 private:
  LocalInputFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  std::string path_;
  int fd_ = -1;
};

}  // namespace rapidbyte::connectors::files
