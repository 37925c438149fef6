// Parquet's metadata structures (parquet.thrift of the Apache Parquet
// format), the part of them this library writes and reads: the file footer
// (FileMetaData: schema, row groups, column chunks, statistics) and the page
// headers. Field ids in metadata.cpp are the format's; a field this library
// does not model is skipped on read.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "portable/arrow/status.hpp"

namespace rapidbyte::parquet {

using arrow::Result;

enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

// The legacy annotations, still written next to the logical type because
// older readers know only these.
enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kList = 3,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kInterval = 21,
};

enum class TimeUnit : uint8_t { kMillis, kMicros, kNanos };

// The LogicalType union; kind says which member is set.
struct LogicalType {
  enum class Kind : uint8_t {
    kString = 1,
    kMap = 2,
    kList = 3,
    kEnum = 4,
    kDecimal = 5,
    kDate = 6,
    kTime = 7,
    kTimestamp = 8,
    kInteger = 10,
    kUnknown = 11,
    kJson = 12,
    kBson = 13,
    kUuid = 14,
    kFloat16 = 15,
  };
  Kind kind = Kind::kString;
  int32_t scale = 0;                  // decimal
  int32_t precision = 0;              // decimal
  bool adjusted_to_utc = false;       // time, timestamp
  TimeUnit unit = TimeUnit::kMicros;  // time, timestamp
  int8_t bit_width = 0;               // integer
  bool is_signed = true;              // integer
};

struct SchemaElement {
  std::optional<PhysicalType> type;  // unset for a group
  std::optional<int32_t> type_length;
  std::optional<Repetition> repetition;
  std::string name;
  std::optional<int32_t> num_children;
  std::optional<ConvertedType> converted_type;
  std::optional<int32_t> scale;
  std::optional<int32_t> precision;
  std::optional<LogicalType> logical_type;
};

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

struct Statistics {
  std::optional<int64_t> null_count;
  std::optional<std::string> min_value;  // PLAIN-encoded, as the column's type sorts
  std::optional<std::string> max_value;
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::kInt32;
  std::vector<Encoding> encodings;
  std::vector<std::string> path_in_schema;
  Codec codec = Codec::kUncompressed;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  std::optional<Statistics> statistics;
};

struct ColumnChunk {
  int64_t file_offset = 0;
  ColumnMetaData meta_data;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
  std::optional<int64_t> file_offset;
  std::optional<int64_t> total_compressed_size;
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;
};

struct FileMetaData {
  int32_t version = 2;
  std::vector<SchemaElement> schema;  // depth-first, the root first
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::optional<std::string> created_by;
  // column_orders: one TYPE_ORDER per leaf column when set. Only then do
  // statistics' min_value and max_value hold (readers ignore them otherwise).
  size_t type_defined_orders = 0;
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
  Encoding definition_level_encoding = Encoding::kRle;
  Encoding repetition_level_encoding = Encoding::kRle;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::kPlain;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  Encoding encoding = Encoding::kPlain;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct PageHeader {
  PageType type = PageType::kDataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<DataPageHeader> data_page;
  std::optional<DictionaryPageHeader> dictionary_page;
  std::optional<DataPageHeaderV2> data_page_v2;
};

// Appends the Thrift compact encoding of each structure to `out`.
void encode(const FileMetaData& metadata, std::vector<uint8_t>& out);
void encode(const PageHeader& header, std::vector<uint8_t>& out);

// Decodes untrusted bytes; fails naming the structure and field that are
// missing or malformed. A page header's decode also says how many bytes it
// took (the page's data follows it).
Result<FileMetaData> decode_file_metadata(std::span<const uint8_t> bytes);
struct DecodedPageHeader {
  PageHeader header;
  size_t size = 0;
};
Result<DecodedPageHeader> decode_page_header(std::span<const uint8_t> bytes);

}  // namespace rapidbyte::parquet
