#include "guest/connectors/source-postgres/refused_row.hpp"

#include "portable/arrow/pretty_print.hpp"

namespace rapidbyte::connectors::source_postgres {
namespace {

// The key of a refused row for messages: its primary key columns as JSON,
// or, without a key, the whole row (cut to a readable length).
std::string row_key_json(const arrow::RecordBatch& row, const std::vector<std::string>& key) {
  std::vector<arrow::Field> fields;
  std::vector<arrow::Array> columns;
  for (const std::string& name : key) {
    const int index = row.schema()->field_index(name);
    if (index < 0) continue;
    fields.push_back(row.schema()->field(index));
    columns.push_back(row.column(index));
  }
  if (fields.empty() || fields.size() != key.size()) {
    std::string whole = arrow::row_json(row, 0);
    if (whole.size() > 256) whole = whole.substr(0, 256) + "...";
    return whole;
  }
  return arrow::row_json(
      arrow::RecordBatch(arrow::make_schema(std::move(fields)), std::move(columns), 1), 0);
}

}  // namespace

std::optional<std::string> refuse_row(sdk::Context& ctx, const protocol::StreamContext& stream,
                                      const std::vector<std::string>& key,
                                      const arrow::RecordBatch& row, const std::string& refusal) {
  const std::string where =
      "stream '" + stream.stream_name + "', row " + row_key_json(row, key) + ": " + refusal;
  switch (stream.policies.on_data_error) {
    case protocol::DataErrorPolicy::kFail:
      return where + " (on_data_error is fail)";
    case protocol::DataErrorPolicy::kSkip:
      ctx.warn("skipped " + where);
      return std::nullopt;
    case protocol::DataErrorPolicy::kDlq: {
      protocol::DlqRecord record;
      record.stream_name = stream.stream_name;
      record.record_json = arrow::row_json(row, 0);
      record.error = sdk::make_error(protocol::ErrorCategory::kData, where, "VALUE_OUT_OF_RANGE");
      record.error.scope = protocol::ErrorScope::kPerRecord;
      ctx.dlq(record);
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace rapidbyte::connectors::source_postgres
