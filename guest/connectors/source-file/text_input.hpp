// TextInput: the bytes of a text data file (CSV, JSON Lines), decompressed
// on the way when its name ends with .gz (gzip) or .zst (zstd), read front
// to back in chunks. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "guest/sdk/error.hpp"
#include "portable/parquet/file_reader.hpp"
#include "portable/text/csv_records.hpp"

namespace rapidbyte::connectors::source_file {

class TextInput : public text::ByteSource {
 public:
  // The text in `file`, which messages call `name` (its extension says
  // how it is compressed).
  static std::unique_ptr<TextInput> open(std::string name,
                                         std::unique_ptr<parquet::InputFile> file);

  const std::string& name() const override { return path_; }

 protected:
  explicit TextInput(std::string path) : path_(std::move(path)) {}

 private:
  std::string path_;
};

// Whether `name` ends with `extension` (".csv"), plain or compressed
// (".csv.gz", ".csv.zst").
bool has_text_extension(std::string_view name, std::string_view extension);

}  // namespace rapidbyte::connectors::source_file
