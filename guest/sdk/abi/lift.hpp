// Lifting: the world's generated C structs into protocol:: values, with
// lift<T>(c) (convert.hpp, contract_convert.hpp).
//
// Lifting copies; the C value is left as it was and the caller still owns it
// (free it with the generated `*_free`, e.g. through AbiOwned). Bulk bytes are
// not lifted here: batches are adopted without a copy (HostBytes). Compiled
// once per world (see rapidbyte_world.hpp.in).
#pragma once

#include "guest/sdk/abi/contract_convert.hpp"
#include "portable/protocol/types.hpp"
#include "rapidbyte_world.hpp"

namespace rapidbyte::sdk::abi {

// Lifts an error an import returned and frees the C value: the usual last
// step of a failed host call.
protocol::ConnectorError take_error(ConnectorError& error);

}  // namespace rapidbyte::sdk::abi
