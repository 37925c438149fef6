// The bodies of the four role exports (open, validate, run, close), shared
// by every connector of a world. RAPIDBYTE_EXPORT_<ROLE> (guest/sdk/export.hpp)
// defines the `exports_rapidbyte_connector_<role>_*` functions the generated
// bindings call and forwards them here.
//
// Ownership, per the canonical ABI: `config` and `request` were allocated by
// the host in guest memory and are freed here after use; results and errors
// written to `ret`/`err` are malloc'd and freed by the generated
// `cabi_post_*` functions once the host has read them. Each function returns
// true on success (the bindings' convention) and otherwise fills `err`.
#pragma once

#include <memory>

#include "guest/sdk/abi/contract_convert.hpp"
#include "guest/sdk/connector.hpp"
#include "rapidbyte_world.hpp"

namespace rapidbyte::sdk::abi {

using ConnectorFactory = std::unique_ptr<Connector> (*)();

template <class T>
std::unique_ptr<Connector> make_connector() {
  return std::make_unique<T>();
}

bool export_open(ConnectorFactory factory, String* config, uint64_t* ret, ConnectorError* err);
bool export_validate(uint64_t session, ValidationReport* ret, ConnectorError* err);
bool export_run(uint64_t session, RunRequest* request, RunSummary* ret, ConnectorError* err);
bool export_close(uint64_t session, ConnectorError* err);

}  // namespace rapidbyte::sdk::abi
