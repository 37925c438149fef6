// Connector: what a connector author implements — one object per session,
// with the lifecycle every role shares: open -> validate? -> run* -> close.
//
// Derive from Source, Destination or Transform (never from Connector
// directly) and export the class with the role's macro from
// guest/sdk/export.hpp. The SDK creates one instance per `open`, keeps it in
// its session registry, calls the other methods on it, and destroys it after
// `close`. Calls on one instance never overlap (a module is single-threaded).
//
// Example:
//
//   class Hello final : public rapidbyte::sdk::Source {
//    public:
//     sdk::Result<void> open(std::string_view config_json) override;
//     sdk::Result<protocol::RunSummary> run(sdk::Context& ctx,
//                                           const protocol::RunRequest& request) override;
//   };
//   RAPIDBYTE_EXPORT_SOURCE(Hello)
#pragma once

#include <string_view>

#include "guest/sdk/context.hpp"
#include "guest/sdk/error.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::sdk {

class Connector {
 public:
  virtual ~Connector() = default;
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  // Parses and keeps the configuration. `config_json` is a JSON object the
  // host has already validated against the manifest's config_schema; it is
  // only valid during the call, so copy what you keep. Must not do I/O the
  // host cannot attribute to a phase: connect lazily in validate or run.
  virtual Result<void> open(std::string_view config_json) = 0;

  // Checks that the configuration works (credentials, reachability,
  // permissions). The default reports `passed` with no checks.
  virtual Result<protocol::ValidationReport> validate(Context& ctx);

  // Does the work of one phase for the streams in `request`. The SDK sets
  // the summary's `role` to the module's role.
  virtual Result<protocol::RunSummary> run(Context& ctx, const protocol::RunRequest& request) = 0;

  // Releases resources. Called once; the instance is destroyed afterwards
  // whether or not it succeeds. The default does nothing.
  virtual Result<void> close() { return {}; }

 protected:
  Connector() = default;
};

// A source reads from an external system and emits batches; its discovery
// is `run` with phase discover.
class Source : public Connector {
 public:
  static constexpr protocol::ConnectorRole kRole = protocol::ConnectorRole::kSource;
};

// A destination consumes batches (Context::batch_next) and writes them out.
class Destination : public Connector {
 public:
  static constexpr protocol::ConnectorRole kRole = protocol::ConnectorRole::kDestination;
};

// A transform consumes batches and emits batches.
class Transform : public Connector {
 public:
  static constexpr protocol::ConnectorRole kRole = protocol::ConnectorRole::kTransform;
};

inline Result<protocol::ValidationReport> Connector::validate(Context&) {
  return protocol::ValidationReport{};
}

}  // namespace rapidbyte::sdk
