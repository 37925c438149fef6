// CdcOptions: how source-postgres follows its tables' changes (sync_mode
// cdc) — the replication slot and publication it uses, whether a run stops
// once caught up, and what happens to updates whose unchanged TOAST values
// the server does not send.
//
// One slot and one publication per pipeline source: the engine reads all of
// a pipeline's cdc streams in one run, and one walsender decodes the WAL
// once for all of them. The slot is named `slot_name`; so is the
// publication, unless `publication` names an existing one.
//
// Earlier versions kept one slot and one publication per stream,
// "<slot_name>_<table>" (legacy_name_for()); teardown drops those too.
//
// Config fields (the manifest's JSON Schema says the same):
//   slot_name ("rapidbyte"), publication (unset: the connector's own, named
//   like the slot and created on the first run; set: an existing
//   publication that includes the tables), cdc_mode (bounded |
//   continuous), unchanged_toast (keep | dlq), max_lag_bytes (unset: no
//   warning).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "guest/connectors/postgres-common/sql_text.hpp"
#include "guest/sdk/json_config.hpp"

namespace rapidbyte::connectors::source_postgres {

enum class CdcMode : uint8_t {
  kBounded,     // catch up to the WAL position current at the start, then stop
  kContinuous,  // until the run is stopped
};

enum class UnchangedToast : uint8_t {
  kKeep,  // the destination keeps the column's current value
  kDlq,   // the change goes to the DLQ with a warning
};

struct CdcOptions {
  std::string slot_name = "rapidbyte";
  std::optional<std::string> publication;
  CdcMode mode = CdcMode::kBounded;
  UnchangedToast unchanged_toast = UnchangedToast::kKeep;
  // Warn when the stream falls further behind the server than this.
  std::optional<uint64_t> max_lag_bytes;

  static sdk::Result<CdcOptions> parse(const sdk::JsonConfig& config);

  // The pipeline source's replication slot.
  const std::string& slot() const { return slot_name; }
  // The slot that takes the snapshot of a stream added to a running slot,
  // or of a partitioned snapshot's plan, in the session with backend
  // process id `session`: temporary, dropped once the snapshot is read (or
  // imported). Named by its session, so that the slot of a killed run's
  // session, which the server may not have ended yet, is never in the way.
  std::string snapshot_slot(std::string_view session) const {
    return slot_name + "_snapshot_" + std::string(session);
  }
  // The publication the changes are read from.
  const std::string& publication_name() const { return publication ? *publication : slot_name; }
  // Whether publication_name() is one this connector creates and drops.
  bool owns_publication() const { return !publication.has_value(); }
  // The per-stream slot (and publication) name of earlier versions; a valid
  // slot name.
  std::string legacy_name_for(const postgres_common::TableName& table) const;
};

}  // namespace rapidbyte::connectors::source_postgres
