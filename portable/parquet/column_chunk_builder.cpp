#include "portable/parquet/column_chunk_builder.hpp"

#include <algorithm>
#include <cstring>

#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/bit_util.hpp"
#include "portable/arrow/list_array.hpp"
#include "portable/base/try.hpp"
#include "portable/parquet/byte_io.hpp"
#include "portable/parquet/page_codec.hpp"
#include "portable/parquet/rle_hybrid.hpp"

namespace rapidbyte::parquet {

namespace {

using arrow::TypeId;

// A fixed-width slot's bytes.
const uint8_t* slot(const arrow::Array& array, int64_t i, int32_t width) {
  return array.data().values.data() + (array.offset() + i) * width;
}

}  // namespace

ColumnChunkBuilder::ColumnChunkBuilder(LeafColumn leaf, arrow::Field field, SortOrder order,
                                       ChunkOptions options, PageCompressor& compressor)
    : leaf_(std::move(leaf)),
      field_(std::move(field)),
      value_type_(field_.type.id() == TypeId::kList ? field_.type.value_type() : field_.type),
      options_(options),
      compressor_(compressor),
      length_prefix_(leaf_.physical == PhysicalType::kByteArray ? 4 : 0),
      dictionary_encoding_(options.dictionary_bytes > 0 && value_type_.id() != TypeId::kBool),
      statistics_(order) {}

void ColumnChunkBuilder::add_levels(int16_t definition, int16_t repetition) {
  if (leaf_.max_definition_level > 0) page_definitions_.push_back(definition);
  if (leaf_.max_repetition_level > 0) page_repetitions_.push_back(repetition);
  if (definition < leaf_.max_definition_level) {
    statistics_.observe_null();
    ++page_nulls_;
  }
  ++page_count_;
  ++chunk_values_;
}

template <class Add>
Result<void> ColumnChunkBuilder::walk(const arrow::Array& column, Add&& add) {
  const int16_t present = leaf_.max_definition_level;
  if (leaf_.max_repetition_level == 0) {
    for (int64_t i = 0; i < column.length(); ++i) {
      const bool valid = column.is_valid(i);
      add_levels(valid ? present : static_cast<int16_t>(present - 1), 0);
      if (valid) add(i);
      RB_TRY(end_row());
    }
    return {};
  }
  // <list> null: 0; empty: 1 (when the list is nullable, else 0); an element
  // null: one more; present: max.
  const arrow::ListArray lists(column);
  const auto empty = static_cast<int16_t>(field_.nullable ? 1 : 0);
  const auto element_null = static_cast<int16_t>(empty + 1);
  const arrow::Array& elements = lists.elements();
  for (int64_t row = 0; row < column.length(); ++row) {
    if (lists.is_null(row)) {
      add_levels(0, 0);
    } else if (lists.value_length(row) == 0) {
      add_levels(empty, 0);
    } else {
      const int64_t first = lists.value_offset(row);
      for (int64_t e = first; e < lists.value_offset(row + 1); ++e) {
        const bool valid = elements.is_valid(e);
        add_levels(valid ? present : element_null, e == first ? 0 : 1);
        if (valid) add(e);
      }
    }
    RB_TRY(end_row());
  }
  return {};
}

void ColumnChunkBuilder::add_bool(bool value) {
  const uint8_t byte = value ? 1 : 0;
  statistics_.observe({&byte, 1});
  if (bool_bits_ == 0) page_values_.push_back(0);
  if (value) page_values_.back() |= static_cast<uint8_t>(1u << bool_bits_);
  bool_bits_ = (bool_bits_ + 1) % 8;
  page_plain_bytes_ = page_values_.size();
}

void ColumnChunkBuilder::add_value() {
  statistics_.observe(std::span(value_).subspan(length_prefix_));
  page_plain_bytes_ += value_.size();
  if (dictionary_encoding_) {
    page_indices_.push_back(dictionary_.index_of(value_));
  } else {
    page_values_.insert(page_values_.end(), value_.begin(), value_.end());
  }
}

Result<void> ColumnChunkBuilder::end_row() {
  ++page_rows_;
  if (page_plain_bytes_ >= options_.page_bytes) RB_TRY(finish_page());
  // A dictionary past its size: the pages from here on are PLAIN.
  if (dictionary_encoding_ && dictionary_.encoded().size() > options_.dictionary_bytes) {
    RB_TRY(finish_page());
    dictionary_encoding_ = false;
  }
  return {};
}

Result<void> ColumnChunkBuilder::append(const arrow::Array& column) {
  const bool is_list = field_.type.id() == TypeId::kList;
  if (is_list && (value_type_.id() == TypeId::kList || leaf_.max_repetition_level != 1)) {
    return arrow::make_error("Parquet: field '" + field_.name +
                             "': lists of lists are not written");
  }
  // The values: the column's, or a list column's elements.
  const arrow::Array array = is_list ? arrow::ListArray(column).elements() : column;
  // `encode(i)` writes value i's PLAIN encoding into value_.
  auto each = [&](auto&& encode) -> Result<void> {
    return walk(column, [&](int64_t i) {
      value_.clear();
      encode(i);
      add_value();
    });
  };
  auto bytes = [&](const void* p, size_t size) {
    const auto* b = static_cast<const uint8_t*>(p);
    value_.insert(value_.end(), b, b + size);
  };
  switch (value_type_.id()) {
    case TypeId::kBool:
      return walk(column, [&](int64_t i) {
        add_bool(arrow::bit_util::get_bit(array.data().values.data(), array.offset() + i));
      });
    case TypeId::kInt8:
      return each([&](int64_t i) {
        append_le32(
            static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(*slot(array, i, 1)))),
            value_);
      });
    case TypeId::kUInt8:
      return each([&](int64_t i) { append_le32(*slot(array, i, 1), value_); });
    case TypeId::kInt16:
      return each([&](int64_t i) {
        append_le32(static_cast<uint32_t>(
                        static_cast<int32_t>(arrow::bit_util::load<int16_t>(slot(array, i, 2)))),
                    value_);
      });
    case TypeId::kUInt16:
      return each([&](int64_t i) {
        append_le32(arrow::bit_util::load<uint16_t>(slot(array, i, 2)), value_);
      });
    case TypeId::kInt32:
    case TypeId::kUInt32:
    case TypeId::kDate32:
    case TypeId::kFloat32:
      return each([&](int64_t i) { bytes(slot(array, i, 4), 4); });
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kFloat64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
    case TypeId::kDuration:
      return each([&](int64_t i) { bytes(slot(array, i, 8), 8); });
    case TypeId::kIntervalMonthDayNano:
      return each([&](int64_t i) { bytes(slot(array, i, 16), 16); });
    case TypeId::kFixedSizeBinary: {
      const int32_t width = value_type_.byte_width();
      return each([&](int64_t i) { bytes(slot(array, i, width), static_cast<size_t>(width)); });
    }
    case TypeId::kDecimal128: {
      // Arrow: 16 bytes little-endian two's complement; Parquet: the low
      // type_length bytes, big-endian.
      const int32_t width = leaf_.type_length;
      return each([&](int64_t i) {
        const uint8_t* le = slot(array, i, 16);
        for (int32_t b = width - 1; b >= 0; --b) value_.push_back(le[b]);
      });
    }
    case TypeId::kUtf8:
    case TypeId::kBinary: {
      const arrow::BinaryArray values(array);
      return each([&](int64_t i) {
        const std::string_view v = values.value(i);
        append_le32(static_cast<uint32_t>(v.size()), value_);
        bytes(v.data(), v.size());
      });
    }
    case TypeId::kLargeUtf8:
    case TypeId::kLargeBinary: {
      const arrow::LargeBinaryArray values(array);
      for (int64_t i = 0; i < array.length(); ++i) {
        if (values.value(i).size() > UINT32_MAX) {
          return arrow::make_error("Parquet: a value of column '" + field_.name +
                                   "' is larger than 4 GiB");
        }
      }
      return each([&](int64_t i) {
        const std::string_view v = values.value(i);
        append_le32(static_cast<uint32_t>(v.size()), value_);
        bytes(v.data(), v.size());
      });
    }
    default:
      break;
  }
  return arrow::make_error("Parquet: cannot write column '" + field_.name + "' of type " +
                           field_.type.to_string());
}

// Writes a page to `out`: its header, then `levels` as they are and
// `values` compressed with the chunk's codec (a v1 page and a dictionary
// page pass their whole body as values).
Result<void> ColumnChunkBuilder::add_page(PageHeader header, std::span<const uint8_t> levels,
                                          std::span<const uint8_t> values,
                                          std::vector<uint8_t>& out) {
  std::vector<uint8_t> compressed;
  RB_TRY(compressor_.compress(values, compressed));
  header.uncompressed_page_size = static_cast<int32_t>(levels.size() + values.size());
  header.compressed_page_size = static_cast<int32_t>(levels.size() + compressed.size());
  const size_t before = out.size();
  encode(header, out);
  uncompressed_bytes_ += static_cast<int64_t>(out.size() - before) + header.uncompressed_page_size;
  out.insert(out.end(), levels.begin(), levels.end());
  out.insert(out.end(), compressed.begin(), compressed.end());
  return {};
}

Result<void> ColumnChunkBuilder::finish_page() {
  if (page_count_ == 0) return {};
  // Repetition levels, then definition levels, RLE-encoded.
  std::vector<uint8_t> repetitions, definitions;
  if (leaf_.max_repetition_level > 0) {
    rle_hybrid_encode(page_repetitions_,
                      bit_width(static_cast<uint64_t>(leaf_.max_repetition_level)), repetitions);
  }
  if (leaf_.max_definition_level > 0) {
    rle_hybrid_encode(page_definitions_,
                      bit_width(static_cast<uint64_t>(leaf_.max_definition_level)), definitions);
  }
  std::vector<uint8_t> values;
  Encoding encoding = Encoding::kPlain;
  // A page of only NULLs before the dictionary has a value is PLAIN (of no
  // values): a dictionary-encoded page needs a dictionary page, which an
  // empty dictionary does not get.
  if (dictionary_encoding_ && dictionary_.size() > 0) {
    // The indices: their bit width (at least 1, which every reader
    // takes), then RLE / bit-packed runs.
    const int width = std::max(1, bit_width(dictionary_.size() - 1));
    values.push_back(static_cast<uint8_t>(width));
    rle_hybrid_encode(page_indices_, width, values);
    encoding = Encoding::kRleDictionary;
  } else {
    values = std::move(page_values_);
  }

  PageHeader header;
  if (options_.data_page_v2) {
    // v2: the levels stand uncompressed before the values, their lengths in
    // the header.
    header.type = PageType::kDataPageV2;
    header.data_page_v2 = DataPageHeaderV2{page_count_,
                                           page_nulls_,
                                           page_rows_,
                                           encoding,
                                           static_cast<int32_t>(definitions.size()),
                                           static_cast<int32_t>(repetitions.size()),
                                           options_.codec != Codec::kUncompressed};
    repetitions.insert(repetitions.end(), definitions.begin(), definitions.end());
    RB_TRY(add_page(header, repetitions, values, chunk_));
  } else {
    // v1: the whole body compressed, each level run behind its length.
    header.type = PageType::kDataPage;
    header.data_page = DataPageHeader{page_count_, encoding, Encoding::kRle, Encoding::kRle};
    std::vector<uint8_t> body;
    for (const auto* levels : {&repetitions, &definitions}) {
      if (levels->empty()) continue;
      append_le32(static_cast<uint32_t>(levels->size()), body);
      body.insert(body.end(), levels->begin(), levels->end());
    }
    body.insert(body.end(), values.begin(), values.end());
    RB_TRY(add_page(header, {}, body, chunk_));
  }
  page_definitions_.clear();
  page_repetitions_.clear();
  page_values_.clear();
  page_indices_.clear();
  chunk_plain_bytes_ += page_plain_bytes_;
  page_plain_bytes_ = 0;
  page_count_ = 0;
  page_nulls_ = 0;
  page_rows_ = 0;
  bool_bits_ = 0;
  return {};
}

Result<std::vector<uint8_t>> ColumnChunkBuilder::finish(int64_t file_offset,
                                                        ColumnChunk& metadata) {
  RB_TRY(finish_page());
  ColumnMetaData& m = metadata.meta_data;
  m.type = leaf_.physical;
  m.path_in_schema = leaf_.path;
  m.codec = options_.codec;
  m.num_values = chunk_values_;
  m.statistics = statistics_.take();
  metadata.file_offset = file_offset;

  std::vector<uint8_t> out;
  const bool has_dictionary = dictionary_.size() > 0;
  if (has_dictionary) {
    PageHeader header;
    header.type = PageType::kDictionaryPage;
    header.dictionary_page =
        DictionaryPageHeader{static_cast<int32_t>(dictionary_.size()), Encoding::kPlain};
    RB_TRY(add_page(header, {}, dictionary_.encoded(), out));
    m.dictionary_page_offset = file_offset;
    m.encodings = {Encoding::kPlain, Encoding::kRle, Encoding::kRleDictionary};
  } else {
    m.encodings = {Encoding::kPlain, Encoding::kRle};
  }
  m.data_page_offset = file_offset + static_cast<int64_t>(out.size());
  out.insert(out.end(), chunk_.begin(), chunk_.end());
  m.total_uncompressed_size = uncompressed_bytes_;
  m.total_compressed_size = static_cast<int64_t>(out.size());

  chunk_.clear();
  chunk_values_ = 0;
  uncompressed_bytes_ = 0;
  dictionary_.clear();
  chunk_plain_bytes_ = 0;
  dictionary_encoding_ = options_.dictionary_bytes > 0 && value_type_.id() != TypeId::kBool;
  return out;
}

}  // namespace rapidbyte::parquet
