#include "guest/connectors/file-common/s3_upload.hpp"

#include <algorithm>

#include "guest/connectors/file-common/s3_storage.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::files {

S3Upload::S3Upload(s3::S3Client& client, std::string bucket, std::string key, uint64_t part_bytes)
    : client_(client),
      bucket_(std::move(bucket)),
      key_(std::move(key)),
      name_(s3::object_url(bucket_, key_)),
      part_bytes_(std::max(part_bytes, kMinPartBytes)) {}

S3Upload::~S3Upload() {
  // Best effort: a failed abort leaves a pending upload, which the next
  // run of the stream aborts.
  if (!settled_ && !upload_id_.empty()) (void)client_.abort_multipart(bucket_, key_, upload_id_);
}

s3::Result<void> S3Upload::upload_part() {
  if (upload_id_.empty()) {
    RB_ASSIGN_OR_RETURN(upload_id_, client_.start_multipart(bucket_, key_));
  }
  RB_ASSIGN_OR_RETURN(auto part, client_.upload_part(bucket_, key_, upload_id_,
                                                     static_cast<int>(parts_.size()) + 1, buffer_));
  parts_.push_back(std::move(part));
  buffer_.clear();
  return {};
}

parquet::Result<void> S3Upload::write(std::span<const uint8_t> bytes) {
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  size_ += bytes.size();
  if (buffer_.size() < part_bytes_) return {};
  if (auto uploaded = upload_part(); !uploaded) {
    failure_ = uploaded.error();
    return std::unexpected(arrow::Error{uploaded.error().message});
  }
  return {};
}

sdk::Result<void> S3Upload::finish() {
  if (!upload_id_.empty() && !buffer_.empty()) {
    if (auto uploaded = upload_part(); !uploaded) {
      failure_ = uploaded.error();
      return s3_failure(uploaded.error());
    }
  }
  finished_ = true;
  return {};
}

sdk::Result<void> S3Upload::publish() {
  if (!finished_) return sdk::internal_error("'" + name_ + "' published before it was finished");
  if (upload_id_.empty()) {
    RB_TRY(from_s3(client_.put_object(bucket_, key_, buffer_)));
    buffer_.clear();
  } else {
    RB_TRY(from_s3(client_.complete_multipart(bucket_, key_, upload_id_, parts_)));
  }
  settled_ = true;
  return {};
}

sdk::Result<void> S3Upload::abort() {
  settled_ = true;
  if (upload_id_.empty()) return {};
  return from_s3(client_.abort_multipart(bucket_, key_, upload_id_));
}

std::optional<protocol::ConnectorError> S3Upload::failure() const {
  if (!failure_) return std::nullopt;
  return s3_failure(*failure_).error();
}

}  // namespace rapidbyte::connectors::files
