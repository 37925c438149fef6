// The v4 imports a connector module gets from the host: the `telemetry` and
// `host-io` interfaces of rapidbyte:connector@4.0.0, each forwarded to the
// instance's HostServices or TcpBroker.
#pragma once

#include <wasmtime.h>

namespace rapidbyte::runtime {

inline constexpr const char* kTelemetryModule = "rapidbyte:connector/telemetry@4.0.0";
inline constexpr const char* kHostIoModule = "rapidbyte:connector/host-io@4.0.0";

// Defines every telemetry and host-io function in `linker`. Returns the first
// definition error, or null.
wasmtime_error_t* define_contract_imports(wasmtime_linker_t* linker);

}  // namespace rapidbyte::runtime
