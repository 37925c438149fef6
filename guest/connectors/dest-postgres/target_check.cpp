#include "guest/connectors/dest-postgres/target_check.hpp"

#include <optional>
#include <string>
#include <vector>

#include "guest/connectors/dest-postgres/reconcile_plan.hpp"
#include "guest/connectors/dest-postgres/table_columns.hpp"
#include "guest/sdk/summary.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::dest_postgres {

sdk::Result<protocol::RunSummary> check_target(sdk::Context& ctx, postgres::Connection& connection,
                                               const WriterOptions& options) {
  const ReconcileRules rules{options.stream_name, options.target.quoted(), options.mode,
                             options.policies.schema_evolution};
  RB_ASSIGN_OR_RETURN(auto columns, load_table_columns(connection, rules.target));
  if (!columns && options.resuming) return target_missing_error(options);

  protocol::WriteSummary summary;
  std::optional<std::vector<protocol::ConnectorError>> problems;
  while (std::optional<sdk::HostBytes> bytes = ctx.batch_next()) {
    ++summary.batches;
    if (problems) continue;  // the first schema decides
    auto reader = arrow::IpcStreamReader::open(*bytes);
    if (!reader) {
      return sdk::data_error("batch 1 is not valid Arrow IPC: " + reader.error().message,
                             "INVALID_BATCH");
    }
    problems = target_problems(columns, *reader->schema(), rules);
  }
  if (!problems || problems->empty()) return sdk::summary(summary);
  protocol::ConnectorError error = problems->front();
  for (size_t i = 1; i < problems->size(); ++i) error.message += "\n" + (*problems)[i].message;
  return std::unexpected(std::move(error));
}

}  // namespace rapidbyte::connectors::dest_postgres
