#include "portable/parquet/column_chunk_builder.hpp"

#include <algorithm>
#include <cstring>

#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/bit_util.hpp"
#include "portable/base/try.hpp"
#include "portable/parquet/page_codec.hpp"
#include "portable/parquet/rle_hybrid.hpp"

namespace rapidbyte::parquet {

namespace {

using arrow::TypeId;

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// A fixed-width slot's bytes.
const uint8_t* slot(const arrow::Array& array, int64_t i, int32_t width) {
  return array.data().values.data() + (array.offset() + i) * width;
}

}  // namespace

void ColumnChunkBuilder::add_value_bytes(const void* bytes, size_t size) {
  const auto* p = static_cast<const uint8_t*>(bytes);
  page_values_.insert(page_values_.end(), p, p + size);
}

void ColumnChunkBuilder::add_definition(bool valid) {
  if (leaf_.max_definition_level > 0) {
    page_definitions_.push_back(valid ? leaf_.max_definition_level
                                      : leaf_.max_definition_level - 1);
  }
  if (!valid) statistics_.observe_null();
}

void ColumnChunkBuilder::add_bool(bool value) {
  const uint8_t byte = value ? 1 : 0;
  statistics_.observe({&byte, 1});
  if (bool_bits_ == 0) page_values_.push_back(0);
  if (value) page_values_.back() |= static_cast<uint8_t>(1u << bool_bits_);
  bool_bits_ = (bool_bits_ + 1) % 8;
}

Result<void> ColumnChunkBuilder::end_value() {
  ++page_count_;
  ++chunk_values_;
  // A boolean page ends on a whole byte, so the next page starts afresh.
  if (page_values_.size() >= page_bytes_ && bool_bits_ == 0) return finish_page();
  return {};
}

Result<void> ColumnChunkBuilder::append(const arrow::Array& array) {
  const int64_t n = array.length();
  // Byte arrays are observed without their length prefix; booleans by
  // add_bool (their PLAIN form is bits).
  const size_t prefix = leaf_.physical == PhysicalType::kByteArray ? 4 : 0;
  const bool observe = type_.id() != TypeId::kBool;
  auto each = [&](auto&& add_value) -> Result<void> {
    for (int64_t i = 0; i < n; ++i) {
      const bool valid = array.is_valid(i);
      add_definition(valid);
      if (valid) {
        const size_t start = page_values_.size() + prefix;
        add_value(i);
        if (observe) statistics_.observe(std::span(page_values_).subspan(start));
      }
      RB_TRY(end_value());
    }
    return {};
  };
  switch (type_.id()) {
    case TypeId::kBool:
      return each([&](int64_t i) {
        add_bool(arrow::bit_util::get_bit(array.data().values.data(), array.offset() + i));
      });
    case TypeId::kInt8:
      return each([&](int64_t i) {
        put_u32(page_values_, static_cast<uint32_t>(
                                  static_cast<int32_t>(static_cast<int8_t>(*slot(array, i, 1)))));
      });
    case TypeId::kUInt8:
      return each([&](int64_t i) { put_u32(page_values_, *slot(array, i, 1)); });
    case TypeId::kInt16:
      return each([&](int64_t i) {
        put_u32(page_values_, static_cast<uint32_t>(static_cast<int32_t>(
                                  arrow::bit_util::load<int16_t>(slot(array, i, 2)))));
      });
    case TypeId::kUInt16:
      return each([&](int64_t i) {
        put_u32(page_values_, arrow::bit_util::load<uint16_t>(slot(array, i, 2)));
      });
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kDate32:
    case TypeId::kFloat32:
      return each([&](int64_t i) { add_value_bytes(slot(array, i, 4), 4); });
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
    case TypeId::kDuration:
      return each([&](int64_t i) { add_value_bytes(slot(array, i, 8), 8); });
    case TypeId::kFixedSizeBinary: {
      const int32_t width = type_.byte_width();
      return each(
          [&](int64_t i) { add_value_bytes(slot(array, i, width), static_cast<size_t>(width)); });
    }
    case TypeId::kDecimal128: {
      // Arrow: 16 bytes little-endian two's complement; Parquet: the low
      // type_length bytes, big-endian.
      const int32_t width = leaf_.type_length;
      return each([&](int64_t i) {
        const uint8_t* le = slot(array, i, 16);
        for (int32_t b = width - 1; b >= 0; --b) page_values_.push_back(le[b]);
      });
    }
    case TypeId::kUtf8:
    case TypeId::kBinary: {
      const arrow::BinaryArray values(array);
      return each([&](int64_t i) {
        const std::string_view v = values.value(i);
        put_u32(page_values_, static_cast<uint32_t>(v.size()));
        add_value_bytes(v.data(), v.size());
      });
    }
    case TypeId::kLargeUtf8:
    case TypeId::kLargeBinary: {
      const arrow::LargeBinaryArray values(array);
      for (int64_t i = 0; i < n; ++i) {
        if (values.value(i).size() > UINT32_MAX) {
          return arrow::make_error("Parquet: a value of column '" + leaf_.path.front() +
                                   "' is larger than 4 GiB");
        }
      }
      return each([&](int64_t i) {
        const std::string_view v = values.value(i);
        put_u32(page_values_, static_cast<uint32_t>(v.size()));
        add_value_bytes(v.data(), v.size());
      });
    }
    default:
      break;
  }
  return arrow::make_error("Parquet: cannot write column '" + leaf_.path.front() + "' of type " +
                           type_.to_string());
}

Result<void> ColumnChunkBuilder::finish_page() {
  if (page_count_ == 0) return {};
  std::vector<uint8_t> body;
  if (leaf_.max_definition_level > 0) {
    std::vector<uint8_t> levels;
    rle_hybrid_encode(page_definitions_, bit_width(leaf_.max_definition_level), levels);
    put_u32(body, static_cast<uint32_t>(levels.size()));
    body.insert(body.end(), levels.begin(), levels.end());
  }
  body.insert(body.end(), page_values_.begin(), page_values_.end());

  std::vector<uint8_t> compressed;
  RB_TRY(compress(codec_, body, compressed));
  PageHeader header;
  header.type = PageType::kDataPage;
  header.uncompressed_page_size = static_cast<int32_t>(body.size());
  header.compressed_page_size = static_cast<int32_t>(compressed.size());
  header.data_page = DataPageHeader{page_count_, Encoding::kPlain, Encoding::kRle, Encoding::kRle};
  const size_t before = chunk_.size();
  encode(header, chunk_);
  uncompressed_bytes_ += static_cast<int64_t>(chunk_.size() - before + body.size());
  chunk_.insert(chunk_.end(), compressed.begin(), compressed.end());

  page_definitions_.clear();
  page_values_.clear();
  page_count_ = 0;
  bool_bits_ = 0;
  return {};
}

Result<std::vector<uint8_t>> ColumnChunkBuilder::finish(int64_t file_offset,
                                                        ColumnChunk& metadata) {
  RB_TRY(finish_page());
  ColumnMetaData& m = metadata.meta_data;
  m.type = leaf_.physical;
  m.encodings = {Encoding::kPlain, Encoding::kRle};
  m.path_in_schema = leaf_.path;
  m.codec = codec_;
  m.num_values = chunk_values_;
  m.total_uncompressed_size = uncompressed_bytes_;
  m.total_compressed_size = static_cast<int64_t>(chunk_.size());
  m.data_page_offset = file_offset;
  m.statistics = statistics_.take();
  metadata.file_offset = file_offset;
  chunk_values_ = 0;
  uncompressed_bytes_ = 0;
  return std::exchange(chunk_, {});
}

}  // namespace rapidbyte::parquet
