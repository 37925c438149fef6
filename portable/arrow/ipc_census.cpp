#include "portable/arrow/ipc_census.hpp"

#include <climits>
#include <cstring>
#include <string>
#include <vector>

#include "rapidbyte_arrow_format/Message_generated.h"

namespace rapidbyte::arrow {

namespace {

namespace fb = org::apache::arrow::flatbuf;

constexpr uint32_t kContinuation = 0xFFFFFFFFu;

Result<uint32_t> read_u32(std::span<const uint8_t> in, size_t& pos) {
  if (in.size() - pos < 4) {
    return make_error("IPC stream truncated at byte " + std::to_string(pos));
  }
  uint32_t v;
  std::memcpy(&v, in.data() + pos, 4);
  pos += 4;
  return v;
}

}  // namespace

Result<IpcStreamCensus> census_ipc_stream(std::span<const uint8_t> in) {
  IpcStreamCensus census;
  std::vector<uint64_t> aligned;  // metadata copy, only for misaligned input
  size_t pos = 0;
  bool saw_schema = false;
  while (pos < in.size()) {  // a stream may end without the end marker
    const size_t at = pos;
    auto length = read_u32(in, pos);
    if (length && *length == kContinuation) length = read_u32(in, pos);
    if (!length) return std::unexpected(length.error());
    if (*length == 0) break;  // end-of-stream marker
    if (*length > in.size() - pos || *length > INT32_MAX) {
      return make_error("IPC message at byte " + std::to_string(at) +
                        ": metadata runs past the end");
    }
    const uint8_t* meta = in.data() + pos;
    pos += *length;
    if (reinterpret_cast<uintptr_t>(meta) % 8 != 0) {
      aligned.assign((*length + 7) / 8, 0);
      std::memcpy(aligned.data(), meta, *length);
      meta = reinterpret_cast<const uint8_t*>(aligned.data());
    }
    flatbuffers::Verifier verifier(meta, *length);
    if (!fb::VerifyMessageBuffer(verifier)) {
      return make_error("IPC message at byte " + std::to_string(at) +
                        ": not a valid Arrow Message flatbuffer");
    }
    const fb::Message* message = fb::GetMessage(meta);
    const int64_t body = message->bodyLength();
    if (body < 0 || static_cast<uint64_t>(body) > in.size() - pos) {
      return make_error("IPC message at byte " + std::to_string(at) + ": body runs past the end");
    }
    pos += static_cast<size_t>(body);
    if (!saw_schema) {
      if (message->header_type() != fb::MessageHeader::Schema) {
        return make_error("IPC stream does not start with a schema message");
      }
      saw_schema = true;
    } else if (const fb::RecordBatch* batch = message->header_as_RecordBatch()) {
      if (batch->length() < 0) return make_error("record batch has a negative length");
      ++census.batches;
      census.rows += static_cast<uint64_t>(batch->length());
    }
  }
  if (!saw_schema) return make_error("IPC stream has no schema message");
  return census;
}

}  // namespace rapidbyte::arrow
