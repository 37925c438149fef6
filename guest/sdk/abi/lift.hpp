// Lifting: the world's generated C structs into protocol:: values.
//
// lift_* functions copy; the C value is left as it was and the caller still
// owns it (free it with the generated `*_free`, e.g. through AbiOwned). Bulk
// bytes are not lifted here: batches are adopted without a copy (HostBytes).
// Compiled once per world (see rapidbyte_world.hpp.in).
#pragma once

#include <string>

#include "portable/protocol/types.hpp"
#include "rapidbyte_world.hpp"

namespace rapidbyte::sdk::abi {

std::string lift_string(const String& s);
protocol::ConnectorError lift_error(const ConnectorError& error);
protocol::RunRequest lift_run_request(const RunRequest& request);
protocol::CursorValue lift_cursor(const CursorValue& value);

// Lifts an error an import returned and frees the C value: the usual last
// step of a failed host call.
protocol::ConnectorError take_error(ConnectorError& error);

}  // namespace rapidbyte::sdk::abi
