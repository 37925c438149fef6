// Export macros: one per role, each placed once at namespace scope in the
// connector's source file, naming the connector class.
//
//   RAPIDBYTE_EXPORT_SOURCE(PostgresSource)
//
// The macro defines the C functions `exports_rapidbyte_connector_<role>_{open,
// validate,run,close}` that the world's generated bindings call from the
// module's exports, and forwards them to the SDK's adapter (which creates one
// instance per session, converts arguments and results, and frees memory as
// the canonical ABI requires). The class must derive from the role's base
// class and be default-constructible; using a macro of another role, or
// linking the SDK of another world, fails to compile.
#pragma once

#include <cstdint>

#include "guest/sdk/abi/export_adapter.hpp"
#include "rapidbyte_world.hpp"

#define RAPIDBYTE_EXPORT_SOURCE(Class) RAPIDBYTE_DETAIL_EXPORT(source, Class)
#define RAPIDBYTE_EXPORT_DESTINATION(Class) RAPIDBYTE_DETAIL_EXPORT(destination, Class)
#define RAPIDBYTE_EXPORT_TRANSFORM(Class) RAPIDBYTE_DETAIL_EXPORT(transform, Class)

#define RAPIDBYTE_DETAIL_EXPORT(role, Class)                                                 \
  static_assert(Class::kRole == ::rapidbyte::sdk::abi::kWorldRole, #Class                    \
                " is exported with RAPIDBYTE_EXPORT_* of another role, or the connector "    \
                "links the SDK of another world");                                           \
  extern "C" bool exports_rapidbyte_connector_##role##_open(                                 \
      ::rapidbyte::sdk::abi::String* config, uint64_t* ret,                                  \
      ::rapidbyte::sdk::abi::ConnectorError* err) {                                          \
    return ::rapidbyte::sdk::abi::export_open(&::rapidbyte::sdk::abi::make_connector<Class>, \
                                              config, ret, err);                             \
  }                                                                                          \
  extern "C" bool exports_rapidbyte_connector_##role##_validate(                             \
      uint64_t session, ::rapidbyte::sdk::abi::ValidationReport* ret,                        \
      ::rapidbyte::sdk::abi::ConnectorError* err) {                                          \
    return ::rapidbyte::sdk::abi::export_validate(session, ret, err);                        \
  }                                                                                          \
  extern "C" bool exports_rapidbyte_connector_##role##_run(                                  \
      uint64_t session, ::rapidbyte::sdk::abi::RunRequest* request,                          \
      ::rapidbyte::sdk::abi::RunSummary* ret, ::rapidbyte::sdk::abi::ConnectorError* err) {  \
    return ::rapidbyte::sdk::abi::export_run(session, request, ret, err);                    \
  }                                                                                          \
  extern "C" bool exports_rapidbyte_connector_##role##_close(                                \
      uint64_t session, ::rapidbyte::sdk::abi::ConnectorError* err) {                        \
    return ::rapidbyte::sdk::abi::export_close(session, err);                                \
  }
