// A source row with a value Arrow cannot hold (a timestamp past 294276 AD
// does not fit microseconds since 1970): the stream's on_data_error decides
// what becomes of it, as for rows a destination rejects. Shared by the
// snapshot (COPY) and the change stream.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "guest/sdk/sdk.hpp"
#include "portable/arrow/record_batch.hpp"

namespace rapidbyte::connectors::source_postgres {

// Applies the stream's on_data_error to `row` (a one-row batch, the refused
// values null): skip warns, dlq keeps it as a dead letter
// (VALUE_OUT_OF_RANGE). Returns the message the stream fails with when the
// policy is fail, naming the stream, the row's `key` columns and `refusal`;
// nullopt when the row was dropped.
std::optional<std::string> refuse_row(sdk::Context& ctx, const protocol::StreamContext& stream,
                                      const std::vector<std::string>& key,
                                      const arrow::RecordBatch& row, const std::string& refusal);

}  // namespace rapidbyte::connectors::source_postgres
