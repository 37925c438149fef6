// Change application for batches that carry the change columns of a cdc
// source (`_rb_op`, `_rb_lsn`, `_rb_commit_ts`, `_rb_unchanged`; see
// docs/PROTOCOL.md) in write_mode upsert.
//
// Ordinary inserts, updates and deletes go through the upsert staging table
// and one statement: the last change of each key wins; a last delete
// removes the row (delete_mode hard) or marks it (soft: `_rb_op` = delete,
// other columns kept), every other last change is upserted. Applying the
// same range again leaves the same rows. Two kinds of row need their own
// statement, in order: a truncate (every row goes, or is marked), and an
// update whose unchanged TOAST values the source could not send (it sets
// only the columns it has, so the others keep their values).
//
// `_rb_op`, `_rb_lsn` and `_rb_commit_ts` are written as ordinary columns
// (metadata of the last change of each row); `_rb_unchanged` never is.
// Plain functions over values; not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "portable/arrow/record_batch.hpp"
#include "portable/protocol/change_columns.hpp"

namespace rapidbyte::connectors::dest_postgres {

using protocol::change::kCommitTsColumn;
using protocol::change::kLsnColumn;
using protocol::change::kOpColumn;
using protocol::change::kUnchangedColumn;

enum class DeleteMode : uint8_t { kHard, kSoft };

// Whether a batch schema carries changes.
bool is_change_schema(const arrow::Schema& schema);

// A run of rows of a change batch that is applied in one way.
struct ChangeSegment {
  enum class Kind : uint8_t { kRows, kTruncate, kPartialUpdate };
  Kind kind = Kind::kRows;
  int64_t offset = 0;
  int64_t length = 0;
  std::vector<std::string> unchanged;  // kPartialUpdate: columns to keep
};

// Splits `batch` (REQUIRES: is_change_schema) into segments, in order.
std::vector<ChangeSegment> split_changes(const arrow::RecordBatch& batch);

// The statement that merges the staging table into `target` (all quoted):
// `columns` are the written columns, `select_list` their staged
// expressions (with casts), `keys` the primary key.
std::string change_merge_sql(const std::string& target, const std::string& staging,
                             const std::vector<std::string>& columns,
                             const std::string& select_list, const std::vector<std::string>& keys,
                             const std::string& sequence_column, DeleteMode mode);

// What a truncate does to `target`.
std::string truncate_sql(const std::string& target, DeleteMode mode);

}  // namespace rapidbyte::connectors::dest_postgres
