#include "portable/postgres/replication/replication_commands.hpp"

#include <charconv>

#include "portable/base/try.hpp"
#include "portable/postgres/sql_quote.hpp"

namespace rapidbyte::postgres {
namespace {

using protocol::ErrorCategory;

// The single row of a replication command's result, as text columns.
Result<std::vector<std::optional<std::string>>> single_row(Connection& connection,
                                                           std::string_view command,
                                                           size_t min_columns) {
  RB_ASSIGN_OR_RETURN(std::vector<TextResult> results, connection.simple_query(command));
  if (results.size() != 1 || results[0].rows.size() != 1 ||
      results[0].rows[0].size() < min_columns) {
    return fail(protocol_error("unexpected result of " + std::string(command)));
  }
  return std::move(results[0].rows[0]);
}

Result<std::string> required(const std::optional<std::string>& v, const char* what) {
  if (!v) return fail(protocol_error(std::string("missing ") + what));
  return *v;
}

}  // namespace

void enable_logical_replication(ConnectOptions& options) {
  options.parameters.emplace_back("replication", "database");
}

Result<void> check_slot_name(std::string_view name) {
  if (name.empty() || name.size() > 63) {
    return fail(client_error(ErrorCategory::kConfig, "replication slot name must be 1-63 bytes"));
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return fail(client_error(ErrorCategory::kConfig,
                               "replication slot name may contain only lower case letters, "
                               "digits and underscores: " +
                                   std::string(name)));
    }
  }
  return {};
}

Result<SystemIdentity> identify_system(Connection& connection) {
  RB_ASSIGN_OR_RETURN(auto row, single_row(connection, "IDENTIFY_SYSTEM", 4));
  SystemIdentity id;
  RB_ASSIGN_OR_RETURN(id.system_id, required(row[0], "systemid"));
  RB_ASSIGN_OR_RETURN(std::string timeline, required(row[1], "timeline"));
  const auto [end, ec] =
      std::from_chars(timeline.data(), timeline.data() + timeline.size(), id.timeline);
  if (ec != std::errc() || end != timeline.data() + timeline.size()) {
    return fail(protocol_error("malformed timeline in IDENTIFY_SYSTEM"));
  }
  RB_ASSIGN_OR_RETURN(std::string position, required(row[2], "xlogpos"));
  RB_ASSIGN_OR_RETURN(id.xlog_position, parse_lsn(position));
  id.database = row[3].value_or("");
  return id;
}

Result<CreatedSlot> create_replication_slot(Connection& connection,
                                            const CreateSlotOptions& options) {
  RB_TRY(check_slot_name(options.slot_name));
  for (char c : options.plugin) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return fail(client_error(ErrorCategory::kConfig, "bad output plugin name"));
    }
  }
  // The pre-15 syntax, which PostgreSQL 10 and later all accept.
  std::string sql = "CREATE_REPLICATION_SLOT " + quote_identifier(options.slot_name);
  if (options.temporary) sql += " TEMPORARY";
  sql += " LOGICAL " + options.plugin;
  switch (options.snapshot) {
    case SnapshotAction::kExport:
      sql += " EXPORT_SNAPSHOT";
      break;
    case SnapshotAction::kNoExport:
      sql += " NOEXPORT_SNAPSHOT";
      break;
    case SnapshotAction::kUse:
      sql += " USE_SNAPSHOT";
      break;
  }
  RB_ASSIGN_OR_RETURN(auto row, single_row(connection, sql, 4));
  CreatedSlot slot;
  RB_ASSIGN_OR_RETURN(slot.slot_name, required(row[0], "slot_name"));
  RB_ASSIGN_OR_RETURN(std::string point, required(row[1], "consistent_point"));
  RB_ASSIGN_OR_RETURN(slot.consistent_point, parse_lsn(point));
  slot.snapshot_name = row[2];
  slot.output_plugin = row[3].value_or("");
  return slot;
}

Result<void> drop_replication_slot(Connection& connection, std::string_view slot_name, bool wait) {
  RB_TRY(check_slot_name(slot_name));
  std::string sql = "DROP_REPLICATION_SLOT " + quote_identifier(slot_name);
  if (wait) sql += " WAIT";
  RB_ASSIGN_OR_RETURN([[maybe_unused]] auto results, connection.simple_query(sql));
  return {};
}

Result<std::string> start_replication_command(const StartReplicationOptions& options) {
  RB_TRY(check_slot_name(options.slot_name));
  if (options.publication_names.empty()) {
    return fail(client_error(ErrorCategory::kConfig, "START_REPLICATION needs a publication"));
  }
  std::string publications;
  for (const std::string& name : options.publication_names) {
    if (!publications.empty()) publications += ',';
    publications += quote_identifier(name);
  }
  std::string sql = "START_REPLICATION SLOT " + quote_identifier(options.slot_name) + " LOGICAL " +
                    format_lsn(options.start_lsn) + " (proto_version " +
                    quote_literal(std::to_string(options.proto_version)) + ", publication_names " +
                    quote_literal(publications);
  if (options.binary) sql += ", binary 'true'";
  if (options.messages) sql += ", messages 'true'";
  return sql + ")";
}

}  // namespace rapidbyte::postgres
