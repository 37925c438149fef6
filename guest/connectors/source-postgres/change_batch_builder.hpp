// ChangeBatchBuilder: the Arrow batches of one table's decoded pgoutput
// changes — the table's columns as the latest Relation message describes
// them (binary-format values, decoded by the same codecs as COPY BINARY)
// followed by the change columns:
//
//   _rb_op         utf8: insert, update, delete or truncate
//   _rb_lsn        int64: the LSN of the transaction's commit record (for
//                  rows of the initial snapshot: the slot's consistent point)
//   _rb_commit_ts  timestamp(us, UTC): the commit time (null in a snapshot)
//   _rb_unchanged  utf8: a JSON array of the columns whose unchanged TOAST
//                  value the server did not send (null when none); those
//                  columns are null in the row and mean "keep the value"
//
// A delete carries the old key (every column with REPLICA IDENTITY FULL),
// other columns null. A truncate is one row with only _rb_op, _rb_lsn and
// _rb_commit_ts set, so every field is nullable. The field names, types,
// nullability and metadata are
// the ones a snapshot read of the table gives (snapshot_columns()), so the
// destination sees one schema until the table's definition changes.
//
// Owns the builder memory of one batch; not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "guest/connectors/source-postgres/table_catalog.hpp"
#include "guest/connectors/source-postgres/table_reader.hpp"
#include "guest/sdk/error.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/postgres/arrow_batch_builder.hpp"
#include "portable/postgres/replication/pgoutput_decoder.hpp"

namespace rapidbyte::connectors::source_postgres {

enum class ChangeOp : uint8_t { kInsert, kUpdate, kDelete, kTruncate };

// The change columns of a snapshot read: constants for `lsn`.
std::vector<ExtraColumn> snapshot_columns(postgres::Lsn lsn);

// The row a snapshot starts with: a truncate at `lsn`, in the snapshot's
// `schema` (every field nullable). Applied by upsert, it removes whatever an
// earlier, unfinished snapshot of the stream left at the destination, so
// rows deleted at the source since then do not survive there.
sdk::Result<arrow::RecordBatch> snapshot_reset_batch(std::shared_ptr<const arrow::Schema> schema,
                                                     postgres::Lsn lsn);

class ChangeBatchBuilder {
 public:
  // The batches of `relation`, with types and metadata completed from the
  // catalog's `table` where a column of the same name and type is there.
  static sdk::Result<ChangeBatchBuilder> make(const postgres::pgoutput::Relation& relation,
                                              const TableInfo& table,
                                              const postgres::CodecOptions& codec_options);

  ChangeBatchBuilder(ChangeBatchBuilder&&) = default;
  ChangeBatchBuilder& operator=(ChangeBatchBuilder&&) = default;

  // The columns of `new_tuple` whose value is an unchanged TOAST value that
  // `old_tuple` (REPLICA IDENTITY FULL) does not supply either.
  std::vector<std::string> unresolved_toast(const postgres::pgoutput::Tuple& new_tuple,
                                            const postgres::pgoutput::Tuple* old_tuple) const;

  // Appends one change. `tuple` is the new row (insert, update) or the old
  // key or row (delete); `old_tuple` supplies unchanged TOAST values of an
  // update when it is a full row. REQUIRES: op != kTruncate.
  //
  // A value its column's codec refuses (a timestamp past Arrow's range) is
  // appended as null and the first refusal returned: the caller takes the
  // change out again with finish_but_last().
  sdk::Result<std::optional<std::string>> append(ChangeOp op,
                                                 const postgres::pgoutput::Tuple& tuple,
                                                 const postgres::pgoutput::Tuple* old_tuple,
                                                 postgres::Lsn lsn, int64_t commit_time_us);
  sdk::Result<void> append_truncate(postgres::Lsn lsn, int64_t commit_time_us);

  // Whether the key columns of two tuples differ (an update that moved a row).
  bool key_changed(const postgres::pgoutput::Tuple& old_key,
                   const postgres::pgoutput::Tuple& new_tuple) const;

  int64_t rows() const { return builder_.num_rows(); }
  // Estimated Arrow size of the rows appended since the last finish().
  uint64_t pending_bytes() const { return pending_bytes_; }

  sdk::Result<arrow::RecordBatch> finish();
  // The pending changes but the last, and the last on its own (a change with
  // a refused value). REQUIRES: rows() >= 1.
  struct SplitBatch {
    arrow::RecordBatch before;
    arrow::RecordBatch last;
  };
  sdk::Result<SplitBatch> finish_but_last();

 private:
  ChangeBatchBuilder(postgres::ArrowBatchBuilder builder) : builder_(std::move(builder)) {}

  sdk::Result<void> append_meta(ChangeOp op, postgres::Lsn lsn, int64_t commit_time_us,
                                const std::vector<std::string>& unchanged);

  postgres::ArrowBatchBuilder builder_;
  std::shared_ptr<const arrow::Schema> schema_;
  std::string table_name_;
  std::vector<std::string> names_;  // table columns, in Relation order
  std::vector<bool> is_key_;
  uint64_t pending_bytes_ = 0;
};

}  // namespace rapidbyte::connectors::source_postgres
