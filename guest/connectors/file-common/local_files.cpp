#include "guest/connectors/file-common/local_files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace rapidbyte::connectors::files {
namespace {

constexpr size_t kWriteBuffer = 1u << 20;

std::unexpected<protocol::ConnectorError> io_error(std::string_view what, const std::string& path,
                                                   int error) {
  return std::unexpected(
      sdk::make_error(protocol::ErrorCategory::kInternal,
                      std::string(what) + " '" + path + "': " + std::strerror(error), "FILE_IO"));
}

std::unexpected<protocol::ConnectorError> file_error(const arrow::Error& error) {
  return std::unexpected(
      sdk::make_error(protocol::ErrorCategory::kInternal, error.message, "FILE_IO"));
}

std::unexpected<arrow::Error> parquet_io_error(std::string_view what, const std::string& path,
                                               int error) {
  return std::unexpected(
      arrow::Error{std::string(what) + " '" + path + "': " + std::strerror(error)});
}

}  // namespace

std::string join_path(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (!out.empty() && out.back() != '/') out += '/';
  out += name;
  return out;
}

bool is_hidden_name(std::string_view name) {
  return !name.empty() && (name.front() == '.' || name.front() == '_');
}

sdk::Result<FileStatus> file_status(const std::string& path) {
  struct stat info{};
  FileStatus status;
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return status;
    return io_error("cannot stat", path, errno);
  }
  status.kind = S_ISREG(info.st_mode)   ? EntryKind::kFile
                : S_ISDIR(info.st_mode) ? EntryKind::kDirectory
                                        : EntryKind::kOther;
  status.size = static_cast<uint64_t>(info.st_size);
  status.change_time_ns =
      static_cast<int64_t>(info.st_ctim.tv_sec) * 1000000000 + info.st_ctim.tv_nsec;
  return status;
}

sdk::Result<EntryKind> entry_kind(const std::string& path) {
  auto status = file_status(path);
  if (!status) return std::unexpected(status.error());
  return status->kind;
}

sdk::Result<void> make_directories(const std::string& path) {
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/') continue;
    const std::string prefix = path.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0777) == 0 || errno == EEXIST) continue;
    // A parent outside the granted directories cannot be created (nor
    // needs to be): it exists, or a later component fails for real.
    if (errno == ENOTCAPABLE || errno == EPERM || errno == EACCES) continue;
    return io_error("cannot create directory", prefix, errno);
  }
  auto kind = entry_kind(path);
  if (!kind) return std::unexpected(kind.error());
  if (*kind != EntryKind::kDirectory) return io_error("cannot create directory", path, ENOTDIR);
  return {};
}

sdk::Result<std::vector<std::string>> list_directory(const std::string& dir) {
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) return io_error("cannot list directory", dir, errno);
  std::vector<std::string> names;
  errno = 0;
  while (const dirent* entry = ::readdir(handle)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  const int error = errno;
  ::closedir(handle);
  if (error != 0) return io_error("cannot list directory", dir, error);
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

sdk::Result<void> collect_files(const std::string& root, const std::string& relative,
                                std::vector<std::string>& out) {
  const std::string dir = relative.empty() ? root : join_path(root, relative);
  auto names = list_directory(dir);
  if (!names) return std::unexpected(names.error());
  for (const std::string& name : *names) {
    if (is_hidden_name(name)) continue;
    const std::string child = relative.empty() ? name : join_path(relative, name);
    auto kind = entry_kind(join_path(root, child));
    if (!kind) return std::unexpected(kind.error());
    if (*kind == EntryKind::kFile) {
      out.push_back(child);
    } else if (*kind == EntryKind::kDirectory) {
      if (auto r = collect_files(root, child, out); !r) return r;
    }
  }
  return {};
}

}  // namespace

sdk::Result<std::vector<std::string>> list_visible_files(const std::string& dir) {
  std::vector<std::string> files;
  auto kind = entry_kind(dir);
  if (!kind) return std::unexpected(kind.error());
  if (*kind == EntryKind::kMissing) return files;
  if (auto r = collect_files(dir, "", files); !r) return std::unexpected(r.error());
  std::sort(files.begin(), files.end());
  return files;
}

sdk::Result<void> rename_path(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return io_error("cannot rename to '" + to + "' the file", from, errno);
  }
  return {};
}

sdk::Result<void> remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error("cannot remove", path, errno);
  return {};
}

sdk::Result<void> remove_tree(const std::string& path) {
  struct stat info{};
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return {};
    return io_error("cannot stat", path, errno);
  }
  if (!S_ISDIR(info.st_mode)) return remove_file(path);
  auto names = list_directory(path);
  if (!names) return std::unexpected(names.error());
  for (const std::string& name : *names) {
    if (auto r = remove_tree(join_path(path, name)); !r) return r;
  }
  if (::rmdir(path.c_str()) != 0 && errno != ENOENT) {
    return io_error("cannot remove directory", path, errno);
  }
  return {};
}

sdk::Result<void> make_symlink(const std::string& target, const std::string& link) {
  if (::symlink(target.c_str(), link.c_str()) != 0) {
    return io_error("cannot create the symbolic link to '" + target + "' at", link, errno);
  }
  return {};
}

sdk::Result<std::optional<std::string>> read_symlink(const std::string& path) {
  char target[4096];
  const ssize_t n = ::readlink(path.c_str(), target, sizeof target);
  if (n < 0) {
    if (errno == EINVAL || errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    return io_error("cannot read the symbolic link", path, errno);
  }
  return std::string(target, static_cast<size_t>(n));
}

sdk::Result<std::string> read_small_file(const std::string& path) {
  auto input = LocalInputFile::open(path);
  if (!input) return std::unexpected(input.error());
  std::vector<uint8_t> bytes;
  if (auto r = input->read_all(bytes); !r) return std::unexpected(r.error());
  return std::string(bytes.begin(), bytes.end());
}

sdk::Result<void> write_small_file(const std::string& path, std::string_view text) {
  auto output = LocalOutputFile::create(path);
  if (!output) return std::unexpected(output.error());
  if (auto r = output->write({reinterpret_cast<const uint8_t*>(text.data()), text.size()}); !r) {
    return file_error(r.error());
  }
  return output->finish();
}

// ---- LocalOutputFile ---------------------------------------------------------

sdk::Result<LocalOutputFile> LocalOutputFile::create(std::string path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
  if (fd < 0) return io_error("cannot create", path, errno);
  return LocalOutputFile(std::move(path), fd);
}

LocalOutputFile::LocalOutputFile(LocalOutputFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(std::exchange(other.fd_, -1)),
      buffer_(std::move(other.buffer_)),
      size_(other.size_) {}

LocalOutputFile& LocalOutputFile::operator=(LocalOutputFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    buffer_ = std::move(other.buffer_);
    size_ = other.size_;
  }
  return *this;
}

LocalOutputFile::~LocalOutputFile() {
  if (fd_ >= 0) ::close(fd_);
}

parquet::Result<void> LocalOutputFile::write(std::span<const uint8_t> bytes) {
  size_ += bytes.size();
  if (buffer_.size() + bytes.size() > kWriteBuffer) {
    if (auto r = flush(); !r) return r;
  }
  if (bytes.size() >= kWriteBuffer) {
    // Large writes go straight to the file.
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return parquet_io_error("cannot write", path_, errno);
      }
      bytes = bytes.subspan(static_cast<size_t>(n));
    }
    return {};
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  return {};
}

parquet::Result<void> LocalOutputFile::flush() {
  std::span<const uint8_t> rest(buffer_);
  while (!rest.empty()) {
    const ssize_t n = ::write(fd_, rest.data(), rest.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return parquet_io_error("cannot write", path_, errno);
    }
    rest = rest.subspan(static_cast<size_t>(n));
  }
  buffer_.clear();
  return {};
}

sdk::Result<void> LocalOutputFile::finish() {
  if (auto r = flush(); !r) return file_error(r.error());
  if (::fsync(fd_) != 0) return io_error("cannot sync", path_, errno);
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0) return io_error("cannot close", path_, errno);
  return {};
}

// ---- LocalInputFile ----------------------------------------------------------

sdk::Result<LocalInputFile> LocalInputFile::open(std::string path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return io_error("cannot open", path, errno);
  return LocalInputFile(std::move(path), fd);
}

LocalInputFile::LocalInputFile(LocalInputFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

LocalInputFile& LocalInputFile::operator=(LocalInputFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

LocalInputFile::~LocalInputFile() {
  if (fd_ >= 0) ::close(fd_);
}

parquet::Result<uint64_t> LocalInputFile::size() {
  struct stat info{};
  if (::fstat(fd_, &info) != 0) return parquet_io_error("cannot stat", path_, errno);
  return static_cast<uint64_t>(info.st_size);
}

parquet::Result<void> LocalInputFile::read_at(uint64_t offset, std::span<uint8_t> out) {
  while (!out.empty()) {
    const ssize_t n = ::pread(fd_, out.data(), out.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return parquet_io_error("cannot read", path_, errno);
    }
    if (n == 0) return std::unexpected(arrow::Error{"'" + path_ + "' ended early"});
    out = out.subspan(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return {};
}

sdk::Result<void> LocalInputFile::read_all(std::vector<uint8_t>& out) {
  auto total = size();
  if (!total) return file_error(total.error());
  out.resize(*total);
  if (auto r = read_at(0, out); !r) return file_error(r.error());
  return {};
}

}  // namespace rapidbyte::connectors::files
