// partition_by: the Hive-style directories a row of a stream is written
// under, e.g. [created_at:day, region] puts a row in
// created_at_day=2026-12-04/region=eu/.
//
// A key is a column, alone (the value's text: region=eu) or with a
// granularity of a date or timestamp column (year, month, day, hour:
// created_at_month=2026-12). Timestamps with a time zone are cut in UTC. A
// NULL value goes to <name>=__HIVE_DEFAULT_PARTITION__ (Hive's and Spark's
// spelling); characters that cannot be in a directory name ('/', '=', '%',
// control characters, ...) are percent-encoded as Hive does.
//
// The files keep every column, the partition columns too, so a file is
// complete without its path.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "guest/sdk/error.hpp"
#include "portable/arrow/record_batch.hpp"

namespace rapidbyte::connectors::dest_file {

enum class Granularity : uint8_t { kValue, kYear, kMonth, kDay, kHour };

struct PartitionKey {
  std::string column;
  Granularity granularity = Granularity::kValue;
  // The directory's name: the column, or column_<granularity>.
  std::string directory_name() const;
};

// Parses one entry of partition_by ("created_at:day", "region").
sdk::Result<PartitionKey> parse_partition_key(std::string_view text);

// The partition directory of each row of a batch ("a=1/b=x"), computed
// against the stream's schema. One object per stream: the columns are
// looked up once.
class Partitioner {
 public:
  // Fails, naming the stream and the key, for a column the schema lacks or
  // a granularity on a column that is not a date or timestamp.
  static sdk::Result<Partitioner> make(const std::vector<PartitionKey>& keys,
                                       const arrow::Schema& schema, std::string_view stream);

  // Calls `visit(directory, begin, length)` for each run of consecutive
  // rows of `batch` (same schema) that share a directory, in row order.
  // Rows ordered by the key make few runs; each row's directory is built
  // in one reused buffer.
  using RunVisitor =
      std::function<sdk::Result<void>(const std::string& directory, int64_t begin, int64_t length)>;
  sdk::Result<void> for_each_run(const arrow::RecordBatch& batch, const RunVisitor& visit) const;

 private:
  struct Column {
    PartitionKey key;
    int index = 0;
  };
  explicit Partitioner(std::vector<Column> columns) : columns_(std::move(columns)) {}

  std::vector<Column> columns_;
};

}  // namespace rapidbyte::connectors::dest_file
