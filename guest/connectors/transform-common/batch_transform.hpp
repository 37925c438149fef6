// run_batch_transform: the `run` of a transform that rewrites record batches
// one at a time — decode each incoming Arrow IPC stream, hand every batch to
// a function, encode and emit what it returns, and count what went through.
//
// When the function leaves every batch of a stream unchanged, the stream's
// bytes are forwarded as they came (no re-encoding), so a transform that
// rarely changes anything costs little more than transform-passthrough. A
// stream whose batches all turn out empty is not emitted. Guest-only (it
// talks to the host through sdk::Context).
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include "guest/sdk/context.hpp"
#include "guest/sdk/error.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::connectors {

// Rewrites `batch`: returns true when it is to pass unchanged (`out` is then
// ignored), false after appending its replacement — zero or more batches of
// one schema — to `out`.
using BatchFunction = std::function<sdk::Result<bool>(const arrow::RecordBatch& batch,
                                                      std::vector<arrow::RecordBatch>& out)>;

// REQUIRES: called from a transform's run. `connector` names it in errors.
sdk::Result<protocol::TransformSummary> run_batch_transform(sdk::Context& ctx,
                                                            std::string_view connector,
                                                            const BatchFunction& function);

}  // namespace rapidbyte::connectors
