// What a change stream (sync mode cdc) adds to each row, and the values of
// its operation column (docs/PROTOCOL.md): the one definition the sources
// that emit changes and the destinations that apply them share.
#pragma once

namespace rapidbyte::protocol::change {

inline constexpr const char* kOpColumn = "_rb_op";                // one of the ops below
inline constexpr const char* kLsnColumn = "_rb_lsn";              // position of the change
inline constexpr const char* kCommitTsColumn = "_rb_commit_ts";   // its transaction's commit
inline constexpr const char* kUnchangedColumn = "_rb_unchanged";  // columns not sent (TOAST)

inline constexpr const char* kInsert = "insert";
inline constexpr const char* kUpdate = "update";
inline constexpr const char* kDelete = "delete";
inline constexpr const char* kTruncate = "truncate";

}  // namespace rapidbyte::protocol::change
