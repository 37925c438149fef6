#include "guest/connectors/source-file/file_store.hpp"

#include <algorithm>

#include "guest/connectors/file-common/local_files.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::source_file {
namespace {

class LocalStore final : public FileStore {
 public:
  explicit LocalStore(std::string root) : root_(std::move(root)) {}

  std::string name_of(std::string_view relative) const override {
    return relative.empty() ? root_ : files::join_path(root_, relative);
  }

  sdk::Result<std::vector<std::string>> directories() override {
    RB_ASSIGN_OR_RETURN(auto names, files::list_directory(root_));
    std::vector<std::string> out;
    for (std::string& name : names) {
      if (files::is_hidden_name(name)) continue;
      RB_ASSIGN_OR_RETURN(auto kind, files::entry_kind(files::join_path(root_, name)));
      if (kind == files::EntryKind::kDirectory) out.push_back(std::move(name));
    }
    return out;
  }

  sdk::Result<std::vector<DataFile>> data_files(
      const std::string& dir, const std::function<bool(std::string_view)>& wanted) override {
    return list_data_files(name_of(dir), wanted);
  }

  sdk::Result<std::unique_ptr<parquet::InputFile>> open(const std::string& dir,
                                                        const DataFile& file) override {
    RB_ASSIGN_OR_RETURN(auto input,
                        files::LocalInputFile::open(files::join_path(name_of(dir), file.relative)));
    return std::make_unique<files::LocalInputFile>(std::move(input));
  }

  bool holds_objects() const override { return false; }

 private:
  std::string root_;
};

// Whether a path (relative to the stream's prefix) has a hidden part.
bool has_hidden_part(std::string_view relative) {
  size_t start = 0;
  for (;;) {
    const size_t slash = relative.find('/', start);
    if (files::is_hidden_name(relative.substr(start, slash - start))) return true;
    if (slash == std::string_view::npos) return false;
    start = slash + 1;
  }
}

class S3Store final : public FileStore {
 public:
  S3Store(s3::S3Client& client, files::S3Location location)
      : client_(client), location_(std::move(location)) {}

  std::string name_of(std::string_view relative) const override { return location_.url(relative); }

  sdk::Result<std::vector<std::string>> directories() override {
    const std::string prefix = directory_prefix("");
    RB_ASSIGN_OR_RETURN(auto listing, files::from_s3(client_.list(location_.bucket, prefix, "/")));
    std::vector<std::string> out;
    for (const std::string& common : listing.prefixes) {
      std::string name = common.substr(prefix.size());
      while (name.ends_with('/')) name.pop_back();
      if (!name.empty() && !files::is_hidden_name(name)) out.push_back(std::move(name));
    }
    return out;
  }

  sdk::Result<std::vector<DataFile>> data_files(
      const std::string& dir, const std::function<bool(std::string_view)>& wanted) override {
    const std::string prefix = directory_prefix(dir);
    // A replaced stream's rows are the generation its manifest names.
    const std::string manifest_key = prefix + std::string(files::kManifestName);
    RB_ASSIGN_OR_RETURN(auto manifest,
                        files::read_small_object(client_, location_.bucket, manifest_key));
    std::string listed = prefix;
    if (manifest) {
      RB_ASSIGN_OR_RETURN(auto generation,
                          files::manifest_generation(
                              *manifest, name_of(dir + "/" + std::string(files::kManifestName))));
      listed += generation + "/";
    }
    RB_ASSIGN_OR_RETURN(auto objects,
                        files::from_s3(client_.list_objects(location_.bucket, listed)));
    std::vector<DataFile> out;
    for (s3::ListedObject& object : objects) {
      std::string relative = object.key.substr(prefix.size());
      if (relative.empty() || relative.ends_with('/') || has_hidden_part(relative) ||
          !wanted(relative)) {
        continue;
      }
      DataFile file;
      file.partitions = hive_partitions_of(relative);
      file.relative = std::move(relative);
      file.size = object.size;
      file.etag = std::move(object.etag);
      out.push_back(std::move(file));
    }
    // Listings come in key order already; the order is the contract.
    std::sort(out.begin(), out.end(),
              [](const DataFile& a, const DataFile& b) { return a.relative < b.relative; });
    return out;
  }

  sdk::Result<std::unique_ptr<parquet::InputFile>> open(const std::string& dir,
                                                        const DataFile& file) override {
    return std::make_unique<files::S3InputFile>(client_, location_.bucket,
                                                directory_prefix(dir) + file.relative, file.size,
                                                file.etag, &failure_);
  }

  std::optional<protocol::ConnectorError> take_failure() override {
    if (!failure_) return std::nullopt;
    protocol::ConnectorError error = files::s3_failure(*failure_).error();
    failure_.reset();
    return error;
  }

  bool holds_objects() const override { return true; }

 private:
  // The key prefix of directory `dir`, ending with '/' (or empty: the
  // bucket's root).
  std::string directory_prefix(const std::string& dir) const {
    const std::string key = location_.key(dir);
    return key.empty() ? key : key + "/";
  }

  s3::S3Client& client_;
  files::S3Location location_;
  std::optional<s3::Error> failure_;
};

}  // namespace

std::unique_ptr<FileStore> local_store(std::string root) {
  return std::make_unique<LocalStore>(std::move(root));
}

std::unique_ptr<FileStore> s3_store(s3::S3Client& client, files::S3Location location) {
  return std::make_unique<S3Store>(client, std::move(location));
}

}  // namespace rapidbyte::connectors::source_file
