#include "guest/connectors/dest-file/stream_output.hpp"

#include <unistd.h>

#include "portable/crypto/hex.hpp"

namespace rapidbyte::connectors::dest_file {

Publication publication_of(const protocol::StreamContext& stream) {
  if (stream.partition) return Publication::kSlice;
  if (stream.write_mode == protocol::WriteMode::kAppend &&
      stream.sync_mode != protocol::SyncMode::kFullRefresh) {
    return Publication::kDirect;
  }
  return Publication::kStaged;
}

std::string slice_file_prefix(const protocol::StreamContext& stream) {
  return "part-p" + std::to_string(stream.partition->generation) + "-s" +
         std::to_string(stream.partition->index) + "-";
}

std::string file_name_prefix(const protocol::StreamContext& stream, const std::string& session) {
  return stream.partition ? slice_file_prefix(stream) : "part-" + session + "-";
}

std::string random_session() {
  uint8_t bytes[4] = {};
  (void)getentropy(bytes, sizeof bytes);
  return crypto::to_hex(std::span<const uint8_t>(bytes, sizeof bytes));
}

}  // namespace rapidbyte::connectors::dest_file
