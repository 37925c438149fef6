#include "guest/connectors/dest-file/partition_spec.hpp"

#include <cstdio>
#include <memory>

#include "portable/arrow/civil_date.hpp"
#include "portable/arrow/primitive_array.hpp"
#include "portable/arrow/value_formatter.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::dest_file {
namespace {

constexpr std::string_view kNullDirectory = "__HIVE_DEFAULT_PARTITION__";

struct GranularityName {
  std::string_view name;
  Granularity granularity;
};
constexpr GranularityName kGranularities[] = {{"year", Granularity::kYear},
                                              {"month", Granularity::kMonth},
                                              {"day", Granularity::kDay},
                                              {"hour", Granularity::kHour}};

// Hive's escaping of partition values: what a path or the key=value form
// cannot hold becomes %XX.
void append_escaped(std::string_view value, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    const bool escape = byte < 0x20 || byte == 0x7f || c == '"' || c == '#' || c == '%' ||
                        c == '\'' || c == '*' || c == '/' || c == ':' || c == '=' || c == '?' ||
                        c == '\\' || c == '[' || c == ']' || c == '^' || c == '{';
    if (escape) {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    } else {
      out += c;
    }
  }
}

// Seconds since the epoch of a timestamp value, floored.
int64_t floor_seconds(int64_t ticks, arrow::TimeUnit unit) {
  int64_t per_second = 1;
  switch (unit) {
    case arrow::TimeUnit::kSecond:
      return ticks;
    case arrow::TimeUnit::kMilli:
      per_second = 1000;
      break;
    case arrow::TimeUnit::kMicro:
      per_second = 1000000;
      break;
    case arrow::TimeUnit::kNano:
      per_second = 1000000000;
      break;
  }
  int64_t seconds = ticks / per_second;
  if (ticks % per_second < 0) --seconds;
  return seconds;
}

void append_civil(int64_t days, int64_t hour, Granularity granularity, std::string& out) {
  const arrow::CivilDate date = arrow::civil_from_days(days);
  char text[48];
  int n = 0;
  switch (granularity) {
    case Granularity::kYear:
      n = std::snprintf(text, sizeof text, "%04lld", static_cast<long long>(date.year));
      break;
    case Granularity::kMonth:
      n = std::snprintf(text, sizeof text, "%04lld-%02d", static_cast<long long>(date.year),
                        date.month);
      break;
    case Granularity::kDay:
      n = std::snprintf(text, sizeof text, "%04lld-%02d-%02d", static_cast<long long>(date.year),
                        date.month, date.day);
      break;
    case Granularity::kHour:
      n = std::snprintf(text, sizeof text, "%04lld-%02d-%02dT%02lld",
                        static_cast<long long>(date.year), date.month, date.day,
                        static_cast<long long>(hour));
      break;
    case Granularity::kValue:
      break;
  }
  out.append(text, static_cast<size_t>(n > 0 ? n : 0));
}

}  // namespace

std::string PartitionKey::directory_name() const {
  for (const auto& [name, g] : kGranularities) {
    if (g == granularity) return column + "_" + std::string(name);
  }
  return column;
}

sdk::Result<PartitionKey> parse_partition_key(std::string_view text) {
  PartitionKey key;
  const size_t colon = text.rfind(':');
  key.column = std::string(text.substr(0, colon));
  if (colon != std::string_view::npos) {
    const std::string_view name = text.substr(colon + 1);
    bool known = false;
    for (const auto& [candidate, g] : kGranularities) {
      if (candidate == name) {
        key.granularity = g;
        known = true;
      }
    }
    if (!known) {
      return sdk::config_error("config field 'partition_by': '" + std::string(text) +
                               "' has granularity '" + std::string(name) +
                               "'; expected year, month, day or hour");
    }
  }
  if (key.column.empty()) {
    return sdk::config_error("config field 'partition_by': an entry names no column");
  }
  return key;
}

sdk::Result<Partitioner> Partitioner::make(const std::vector<PartitionKey>& keys,
                                           const arrow::Schema& schema, std::string_view stream) {
  std::vector<Column> columns;
  for (const PartitionKey& key : keys) {
    const int index = schema.field_index(key.column);
    if (index < 0) {
      return sdk::schema_error("stream '" + std::string(stream) + "' has no column '" + key.column +
                               "' to partition by (config field 'partition_by')");
    }
    const arrow::TypeId id = schema.field(index).type.id();
    if (key.granularity != Granularity::kValue && id != arrow::TypeId::kDate32 &&
        id != arrow::TypeId::kTimestamp) {
      return sdk::schema_error("stream '" + std::string(stream) + "': partition_by '" +
                               key.directory_name() + "' needs a date or timestamp column; '" +
                               key.column + "' is " + schema.field(index).type.to_string());
    }
    if (key.granularity == Granularity::kHour && id == arrow::TypeId::kDate32) {
      return sdk::schema_error("stream '" + std::string(stream) + "': partition_by '" + key.column +
                               ":hour' needs a timestamp column; '" + key.column + "' is a date");
    }
    columns.push_back({key, index});
  }
  return Partitioner(std::move(columns));
}

sdk::Result<void> Partitioner::for_each_run(const arrow::RecordBatch& batch,
                                            const RunVisitor& visit) const {
  // Made once per batch: each key's directory name and, for plain values,
  // its formatter.
  std::vector<std::string> names;
  std::vector<std::unique_ptr<arrow::ValueFormatter>> formatters;
  for (const Column& column : columns_) {
    names.push_back(column.key.directory_name());
    formatters.push_back(column.key.granularity == Granularity::kValue
                             ? std::make_unique<arrow::ValueFormatter>(
                                   batch.schema()->field(column.index), batch.column(column.index))
                             : nullptr);
  }
  std::string run_directory;
  std::string directory;
  std::string value;
  int64_t begin = 0;
  for (int64_t row = 0; row < batch.num_rows(); ++row) {
    directory.clear();
    for (size_t k = 0; k < columns_.size(); ++k) {
      const Column& column = columns_[k];
      const arrow::Array& array = batch.column(column.index);
      if (k > 0) directory += '/';
      directory += names[k];
      directory += '=';
      if (array.is_null(row)) {
        directory += kNullDirectory;
        continue;
      }
      value.clear();
      if (formatters[k]) {
        formatters[k]->append_text(row, value);
      } else if (array.type().id() == arrow::TypeId::kDate32) {
        append_civil(arrow::Date32Array(array).value(row), 0, column.key.granularity, value);
      } else {
        const int64_t seconds =
            floor_seconds(arrow::TimestampArray(array).value(row), array.type().unit());
        int64_t days = seconds / 86400;
        if (seconds % 86400 < 0) --days;
        append_civil(days, (seconds - days * 86400) / 3600, column.key.granularity, value);
      }
      append_escaped(value, directory);
    }
    if (row == 0) {
      run_directory.swap(directory);
    } else if (directory != run_directory) {
      RB_TRY(visit(run_directory, begin, row - begin));
      run_directory.swap(directory);
      begin = row;
    }
  }
  if (batch.num_rows() > 0) RB_TRY(visit(run_directory, begin, batch.num_rows() - begin));
  return {};
}

}  // namespace rapidbyte::connectors::dest_file
