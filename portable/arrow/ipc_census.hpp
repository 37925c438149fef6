// census_ipc_stream: counts the record batches and rows of an Arrow IPC
// stream from its message metadata alone, without touching the bodies.
//
// For a stage that forwards batches unchanged (a guest BatchTransform that
// does not decode) and for the host's live row counts, decoding every
// buffer (as IpcStreamReader does, validating offsets and UTF-8) would cost
// more than the forwarding itself; the counts live in the flatbuffers
// metadata. Each
// metadata flatbuffer is still verified and every length checked against
// the input, so malformed input yields an error, never a crash. The bodies
// are not validated: whoever decodes them downstream does that.
#pragma once

#include <cstdint>
#include <span>

#include "portable/arrow/status.hpp"

namespace rapidbyte::arrow {

struct IpcStreamCensus {
  uint64_t batches = 0;
  uint64_t rows = 0;
};

Result<IpcStreamCensus> census_ipc_stream(std::span<const uint8_t> stream);

}  // namespace rapidbyte::arrow
