// Where dest-file puts a stream's files, and how it names them.
//
//   <root>/<stream>/[<partition dirs>/]part-<session>-<seq>[-c<tag>].<ext>
//       the files readers see. <tag> (incremental and cdc appends only)
//       names the cursor the engine had committed when the file was
//       committed: a file of a commit whose cursor never reached the state
//       carries the tag of the cursor the stream resumes from, and is
//       removed before the stream is read again (see StreamOutput).
//   .../.part-<...>.tmp
//       a file being written; renamed into view once it is complete.
//   <root>/.rapidbyte/<stream>/<generation>/
//       a staged set of files: a replace's new generation (<root>/<stream>
//       is then a symbolic link to it, switched at once), a full refresh's
//       append before it is moved into view, or the slices of a partitioned
//       stream before they are published together.
// Names starting with '.' or '_' are skipped by pyarrow, Spark, Hive and
// DuckDB's hive reader alike.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "guest/sdk/error.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::connectors::dest_file {

struct OutputLayout {
  std::string root;    // the config's path (absolute)
  std::string stream;  // the stream's directory name

  std::string stream_dir() const;
  // <root>/.rapidbyte/<stream>: the stream's generations and staging.
  std::string work_dir() const;
  std::string generation_dir(std::string_view generation) const;
  // What the link <root>/<stream> holds for a generation (relative to root).
  std::string link_target(std::string_view generation) const;
};

// A stream name that is one safe directory name: not empty, no '/', not
// hidden ('.' or '_' first, which readers skip).
sdk::Result<void> check_stream_directory(std::string_view stream);

// 16 hex digits naming a cursor value (none too); equal cursors, equal tags.
std::string cursor_tag(const std::optional<protocol::CursorValue>& cursor);
// The tag in a data file's name ("part-...-c<tag>.parquet"), or empty.
std::string_view tag_of_file_name(std::string_view name);

// The hidden name a file is written under before it is complete.
std::string temporary_name(std::string_view final_name);
bool is_temporary_name(std::string_view name);

}  // namespace rapidbyte::connectors::dest_file
