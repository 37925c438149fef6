// S3Upload: an object written front to back, visible only once it is
// whole. Bytes are buffered; every `part_bytes` become a part of a multipart
// upload (started with the first part), so a large file never sits in
// memory. finish() uploads the last part (a small object's bytes stay
// buffered), and publish() makes the object appear at once: it completes
// the upload, or PUTs the small object. Until then a reader sees nothing;
// abort() (or the destructor, for an upload neither published nor
// aborted) drops the parts, and whatever a crash leaves behind is a
// pending upload the writer's next run aborts (S3Client::pending_uploads).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "guest/connectors/file-common/file_sink.hpp"
#include "portable/s3/s3_client.hpp"

namespace rapidbyte::connectors::files {

class S3Upload final : public FileSink {
 public:
  // Every part but the last must be at least 5 MiB.
  static constexpr uint64_t kMinPartBytes = 5u << 20;
  static constexpr uint64_t kDefaultPartBytes = 8u << 20;

  // `client` must outlive the upload.
  S3Upload(s3::S3Client& client, std::string bucket, std::string key,
           uint64_t part_bytes = kDefaultPartBytes);
  S3Upload(const S3Upload&) = delete;
  S3Upload& operator=(const S3Upload&) = delete;
  ~S3Upload() override;

  parquet::Result<void> write(std::span<const uint8_t> bytes) override;
  sdk::Result<void> finish() override;
  uint64_t size() const override { return size_; }
  const std::string& name() const override { return name_; }
  std::optional<protocol::ConnectorError> failure() const override;

  // REQUIRES: finish() succeeded.
  sdk::Result<void> publish();
  sdk::Result<void> abort();

  const std::string& key() const { return key_; }

 private:
  // Uploads the buffer as the next part.
  s3::Result<void> upload_part();

  s3::S3Client& client_;
  std::string bucket_;
  std::string key_;
  std::string name_;
  uint64_t part_bytes_;
  std::vector<uint8_t> buffer_;
  std::string upload_id_;  // empty until the first part
  std::vector<s3::UploadedPart> parts_;
  uint64_t size_ = 0;
  bool finished_ = false;
  bool settled_ = false;  // published or aborted
  std::optional<s3::Error> failure_;
};

}  // namespace rapidbyte::connectors::files
