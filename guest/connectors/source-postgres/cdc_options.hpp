// CdcOptions: how source-postgres follows a table's changes (sync_mode cdc)
// — the replication slot and publication it uses, whether a run stops once
// caught up, and what happens to updates whose unchanged TOAST values the
// server does not send.
//
// One slot and one publication per stream (the engine runs one read per
// stream): "<slot_name>_<table>" (schema and table folded to the slot name
// alphabet, with a hash suffix when too long or folded). Each slot keeps its
// own WAL back, so N streams cost N walsenders and N decodings of the WAL.
//
// Config fields (the manifest's JSON Schema says the same):
//   slot_name ("rapidbyte"), publication (unset: one per stream, named like
//   the slot and created on the first run; set: an existing publication
//   that includes the table), cdc_mode (bounded | continuous),
//   unchanged_toast (keep | dlq).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

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

  static sdk::Result<CdcOptions> parse(const sdk::JsonConfig& config);

  // The slot of a stream's table; a valid slot name.
  std::string slot_for(const pg::TableName& table) const;
  // The publication a stream's changes are read from.
  std::string publication_for(const pg::TableName& table) const;
  // Whether publication_for() is one this connector creates and drops.
  bool owns_publication() const { return !publication.has_value(); }
};

}  // namespace rapidbyte::connectors::source_postgres
