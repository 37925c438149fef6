// write_ipc_batches: the decoding every destination does with what
// Context::batch_next returns — one Arrow IPC stream, checked in full by
// IpcStreamReader (every buffer, offset and UTF-8 string), its record
// batches handed to the connector one by one.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "guest/sdk/error.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::sdk {

// The error for the `batch_number`-th (from 1) IPC stream of a run that is
// not valid Arrow IPC (category data, code INVALID_BATCH).
inline std::unexpected<protocol::ConnectorError> invalid_ipc_batch(uint64_t batch_number,
                                                                   const arrow::Error& error) {
  return data_error(
      "batch " + std::to_string(batch_number) + " is not valid Arrow IPC: " + error.message,
      "INVALID_BATCH");
}

// Calls `write(const arrow::RecordBatch&) -> Result<void>` for each record
// batch of `ipc_stream`, in order, and returns their rows. The arrays are
// views into `ipc_stream`, which must outlive what `write` keeps of them.
template <class Write>
Result<uint64_t> write_ipc_batches(std::span<const uint8_t> ipc_stream, uint64_t batch_number,
                                   Write&& write) {
  auto reader = arrow::IpcStreamReader::open(ipc_stream);
  if (!reader) return invalid_ipc_batch(batch_number, reader.error());
  uint64_t rows = 0;
  for (;;) {
    auto batch = reader->next();
    if (!batch) return invalid_ipc_batch(batch_number, batch.error());
    if (!*batch) return rows;
    RB_TRY(write(**batch));
    rows += static_cast<uint64_t>((*batch)->num_rows());
  }
}

}  // namespace rapidbyte::sdk
