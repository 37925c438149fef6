#include "portable/parquet/column_chunk_reader.hpp"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "portable/arrow/array_builder.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/bit_util.hpp"
#include "portable/arrow/boolean_builder.hpp"
#include "portable/arrow/fixed_size_binary_builder.hpp"
#include "portable/arrow/list_builder.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/arrow/utf8.hpp"
#include "portable/base/try.hpp"
#include "portable/parquet/delta_encoding.hpp"
#include "portable/parquet/page_codec.hpp"
#include "portable/parquet/rle_hybrid.hpp"

namespace rapidbyte::parquet {

namespace {

using arrow::make_error;
using arrow::TypeId;
using Span = std::span<const uint8_t>;

template <class T>
T load(Span bytes) {
  return arrow::bit_util::load<T>(bytes.data());
}

uint32_t load_u32(Span bytes, size_t at) {
  return arrow::bit_util::load<uint32_t>(bytes.data() + at);
}

// An INT96 timestamp (nanoseconds of the day, then the Julian day) as
// nanoseconds since the epoch (wrapping past year 2262, as pyarrow does).
int64_t int96_nanoseconds(Span v) {
  constexpr int64_t kJulianEpochDay = 2440588;  // 1970-01-01
  constexpr int64_t kNanosPerDay = 86400LL * 1000 * 1000 * 1000;
  const auto day = static_cast<int64_t>(load_u32(v, 8));
  const auto nanos = load<int64_t>(v);
  return static_cast<int64_t>(static_cast<uint64_t>(day - kJulianEpochDay) * kNanosPerDay +
                              static_cast<uint64_t>(nanos));
}

// Appends values of one Arrow type to its builder from their PLAIN bytes
// (a byte array's without its length).
class ValueSink {
 public:
  ValueSink(arrow::ArrayBuilder& builder, const arrow::DataType& type, const LeafColumn& leaf,
            std::string column)
      : builder_(builder), type_(type), physical_(leaf.physical), column_(std::move(column)) {}

  void append_null() { builder_.append_null(); }

  Result<void> append(Span v) {
    switch (type_.id()) {
      case TypeId::kBool:
        static_cast<arrow::BooleanBuilder&>(builder_).append(v[0] != 0);
        return {};
      case TypeId::kInt8:
        return put<int8_t>(static_cast<int8_t>(load<int32_t>(v)));
      case TypeId::kInt16:
        return put<int16_t>(static_cast<int16_t>(load<int32_t>(v)));
      case TypeId::kUInt8:
        return put<uint8_t>(static_cast<uint8_t>(load<uint32_t>(v)));
      case TypeId::kUInt16:
        return put<uint16_t>(static_cast<uint16_t>(load<uint32_t>(v)));
      case TypeId::kInt32:
      case TypeId::kDate32:
        return put<int32_t>(load<int32_t>(v));
      case TypeId::kUInt32:
        return put<uint32_t>(load<uint32_t>(v));
      case TypeId::kFloat32:
        return put<float>(load<float>(v));
      case TypeId::kFloat64:
        return put<double>(load<double>(v));
      case TypeId::kUInt64:
        return put<uint64_t>(load<uint64_t>(v));
      case TypeId::kTimestamp:
        if (physical_ == PhysicalType::kInt96) return put<int64_t>(int96_nanoseconds(v));
        return put<int64_t>(load<int64_t>(v));
      case TypeId::kInt64:
      case TypeId::kDuration:
        return put<int64_t>(load<int64_t>(v));
      case TypeId::kTime64:
        // INT32 times are milliseconds, read as microseconds.
        return put<int64_t>(physical_ == PhysicalType::kInt32 ? int64_t{load<int32_t>(v)} * 1000
                                                              : load<int64_t>(v));
      case TypeId::kUtf8:
      case TypeId::kLargeUtf8:
        if (!arrow::is_valid_utf8(
                std::string_view(reinterpret_cast<const char*>(v.data()), v.size()))) {
          return make_error("Parquet: column '" + column_ + "' holds a string that is not UTF-8");
        }
        [[fallthrough]];
      case TypeId::kBinary:
      case TypeId::kLargeBinary:
        if (type_.id() == TypeId::kUtf8 || type_.id() == TypeId::kBinary) {
          static_cast<arrow::BinaryBuilder&>(builder_).append(v);
        } else {
          static_cast<arrow::LargeBinaryBuilder&>(builder_).append(v);
        }
        return {};
      case TypeId::kFixedSizeBinary:
        static_cast<arrow::FixedSizeBinaryBuilder&>(builder_).append(v);
        return {};
      case TypeId::kIntervalMonthDayNano:
        return put<arrow::MonthDayNano>(load<arrow::MonthDayNano>(v));
      case TypeId::kDecimal128:
        return append_decimal(v);
      default:
        break;
    }
    return make_error("Parquet: column '" + column_ + "' cannot be read as " + type_.to_string());
  }

 private:
  template <class T>
  Result<void> put(T value) {
    static_cast<arrow::PrimitiveBuilder<T>&>(builder_).append(value);
    return {};
  }

  // INT32, INT64 (little-endian) or a big-endian byte array of up to 16
  // bytes, two's complement, into Arrow's 16 little-endian bytes.
  Result<void> append_decimal(Span v) {
    uint8_t out[16];
    if (physical_ == PhysicalType::kInt32 || physical_ == PhysicalType::kInt64) {
      const int64_t value =
          physical_ == PhysicalType::kInt32 ? int64_t{load<int32_t>(v)} : load<int64_t>(v);
      std::memcpy(out, &value, 8);
      std::memset(out + 8, value < 0 ? 0xFF : 0, 8);
    } else {
      if (v.size() > 16) {
        return make_error("Parquet: column '" + column_ + "' holds a decimal of " +
                          std::to_string(v.size()) + " bytes");
      }
      const uint8_t fill = !v.empty() && (v[0] & 0x80) != 0 ? 0xFF : 0;
      std::memset(out, fill, 16);
      for (size_t i = 0; i < v.size(); ++i) out[i] = v[v.size() - 1 - i];
    }
    static_cast<arrow::FixedSizeBinaryBuilder&>(builder_).append(Span(out, 16));
    return {};
  }

  arrow::ArrayBuilder& builder_;
  const arrow::DataType& type_;
  PhysicalType physical_;
  std::string column_;
};

class ChunkReader {
 public:
  ChunkReader(Span chunk, const ColumnMetaData& metadata, const LeafColumn& leaf,
              const arrow::Field& field)
      : chunk_(chunk),
        metadata_(metadata),
        leaf_(leaf),
        field_(field),
        column_(field.name),
        builder_(arrow::make_builder(field.type)) {
    const bool list = field.type.id() == TypeId::kList;
    values_ = std::make_unique<ValueSink>(
        list ? static_cast<arrow::ListBuilder&>(*builder_).value_builder() : *builder_,
        list ? field.type.value_type() : field.type, leaf, column_);
  }

  Result<arrow::Array> read(int64_t rows) {
    size_t at = 0;
    while (at < chunk_.size() && values_read_ < metadata_.num_values) {
      auto page = decode_page_header(chunk_.subspan(at));
      if (!page) return error("a page header: " + page.error().message);
      at += page->size;
      const PageHeader& h = page->header;
      if (static_cast<size_t>(h.compressed_page_size) > chunk_.size() - at) {
        return error("a page of " + std::to_string(h.compressed_page_size) +
                     " bytes runs past the column chunk");
      }
      if (h.uncompressed_page_size > kMaxPageBytes) {
        return error("a page claims " + std::to_string(h.uncompressed_page_size) +
                     " bytes, more than this reader takes");
      }
      const Span body = chunk_.subspan(at, static_cast<size_t>(h.compressed_page_size));
      at += body.size();
      if (h.type == PageType::kDictionaryPage && h.dictionary_page) {
        RB_TRY(read_dictionary(h, body));
      } else if (h.type == PageType::kDataPage && h.data_page) {
        RB_TRY(read_data_page_v1(h, body));
      } else if (h.type == PageType::kDataPageV2 && h.data_page_v2) {
        RB_TRY(read_data_page_v2(h, body));
      } else if (h.type == PageType::kIndexPage) {
        continue;
      } else {
        return error("a page of type " + std::to_string(static_cast<int>(h.type)) +
                     " without its header");
      }
    }
    if (values_read_ != metadata_.num_values) {
      return error("the chunk holds " + std::to_string(values_read_) + " values, not the " +
                   std::to_string(metadata_.num_values) + " its metadata gives");
    }
    auto array = builder_->finish();
    if (!array) return std::unexpected(array.error());
    if (array->length() != rows) {
      return error("the chunk holds " + std::to_string(array->length()) + " rows, not the " +
                   std::to_string(rows) + " of its row group");
    }
    return *array;
  }

 private:
  std::unexpected<arrow::Error> error(const std::string& what) const {
    return make_error("Parquet: column '" + column_ + "': " + what);
  }

  Result<std::vector<uint8_t>> decompressed(Span compressed, int32_t size) const {
    std::vector<uint8_t> out(static_cast<size_t>(size));
    auto done = decompress(metadata_.codec, compressed, out);
    if (!done) return error(done.error().message);
    return out;
  }

  // The bytes of one value of the leaf's physical type (0: variable).
  size_t plain_width() const {
    switch (leaf_.physical) {
      case PhysicalType::kInt32:
      case PhysicalType::kFloat:
        return 4;
      case PhysicalType::kInt64:
      case PhysicalType::kDouble:
        return 8;
      case PhysicalType::kInt96:
        return 12;
      case PhysicalType::kFixedLenByteArray:
        return static_cast<size_t>(leaf_.type_length);
      default:
        return 0;
    }
  }

  // PLAIN values of the leaf's physical type from `bytes`, `count` of them.
  Result<void> plain_values(Span bytes, size_t count, std::vector<Span>& out,
                            std::vector<uint8_t>& bools) const {
    out.clear();
    if (leaf_.physical == PhysicalType::kBoolean) {
      if (bytes.size() * 8 < count) return error("its booleans are cut off");
      bools.resize(count);
      for (size_t i = 0; i < count; ++i) bools[i] = (bytes[i / 8] >> (i % 8)) & 1;
      for (size_t i = 0; i < count; ++i) out.emplace_back(&bools[i], 1);
      return {};
    }
    size_t width = 0;
    switch (leaf_.physical) {
      case PhysicalType::kInt32:
      case PhysicalType::kFloat:
        width = 4;
        break;
      case PhysicalType::kInt64:
      case PhysicalType::kDouble:
        width = 8;
        break;
      case PhysicalType::kInt96:
        width = 12;
        break;
      case PhysicalType::kFixedLenByteArray:
        width = static_cast<size_t>(leaf_.type_length);
        break;
      default:
        break;
    }
    size_t at = 0;
    out.reserve(std::min(count, bytes.size() + 1));
    for (size_t i = 0; i < count; ++i) {
      if (leaf_.physical == PhysicalType::kByteArray) {
        if (bytes.size() - at < 4) return error("a byte array's length is cut off");
        const uint32_t length = load_u32(bytes, at);
        at += 4;
        if (bytes.size() - at < length) return error("a byte array runs past its page");
        out.push_back(bytes.subspan(at, length));
        at += length;
      } else {
        if (bytes.size() - at < width) return error("its values are cut off");
        out.push_back(bytes.subspan(at, width));
        at += width;
      }
    }
    return {};
  }

  Result<void> read_dictionary(const PageHeader& h, Span body) {
    if (h.dictionary_page->num_values < 0) return error("a dictionary of negative size");
    RB_ASSIGN_OR_RETURN(dictionary_buffer_, decompressed(body, h.uncompressed_page_size));
    return plain_values(dictionary_buffer_, static_cast<size_t>(h.dictionary_page->num_values),
                        dictionary_, dictionary_bools_);
  }

  // Levels of `count` entries (RLE) of a level whose maximum is `max`; all
  // zeros when the level does not exist.
  Result<void> levels(Span bytes, int16_t max, size_t count, std::vector<uint32_t>& out) const {
    if (max == 0) {
      out.assign(count, 0);
      return {};
    }
    auto decoded = rle_hybrid_decode(bytes, bit_width(static_cast<uint64_t>(max)), count, out);
    if (!decoded) return error("its levels: " + decoded.error().message);
    for (uint32_t level : out) {
      if (level > static_cast<uint32_t>(max)) return error("a level above its column's maximum");
    }
    return {};
  }

  Result<void> check_page_values(int32_t count) const {
    if (count < 0 || count > kMaxPageValues || count > metadata_.num_values - values_read_) {
      return error("a page claims " + std::to_string(count) + " values, its chunk " +
                   std::to_string(metadata_.num_values - values_read_) + " more");
    }
    return {};
  }

  Result<void> read_data_page_v1(const PageHeader& h, Span body) {
    RB_ASSIGN_OR_RETURN(const std::vector<uint8_t> page,
                        decompressed(body, h.uncompressed_page_size));
    const int32_t count = h.data_page->num_values;
    RB_TRY(check_page_values(count));
    Span rest = page;
    // Each level run stands behind its 4-byte length.
    auto level_run = [&](int16_t max, std::vector<uint32_t>& out) -> Result<void> {
      Span run;
      if (max > 0) {
        if (rest.size() < 4) return error("its levels are cut off");
        const uint32_t length = load_u32(rest, 0);
        if (rest.size() - 4 < length) return error("its levels run past the page");
        run = rest.subspan(4, length);
        rest = rest.subspan(4 + length);
      }
      return levels(run, max, static_cast<size_t>(count), out);
    };
    RB_TRY(level_run(leaf_.max_repetition_level, repetitions_));
    RB_TRY(level_run(leaf_.max_definition_level, definitions_));
    return read_values(h.data_page->encoding, rest, static_cast<size_t>(count));
  }

  Result<void> read_data_page_v2(const PageHeader& h, Span body) {
    const DataPageHeaderV2& v2 = *h.data_page_v2;
    if (v2.num_values < 0 || v2.repetition_levels_byte_length < 0 ||
        v2.definition_levels_byte_length < 0 ||
        static_cast<uint64_t>(v2.repetition_levels_byte_length) +
                static_cast<uint64_t>(v2.definition_levels_byte_length) >
            body.size()) {
      return error("a v2 page's level lengths do not fit it");
    }
    RB_TRY(check_page_values(v2.num_values));
    const auto rep_length = static_cast<size_t>(v2.repetition_levels_byte_length);
    const auto def_length = static_cast<size_t>(v2.definition_levels_byte_length);
    const auto count = static_cast<size_t>(v2.num_values);
    RB_TRY(levels(body.subspan(0, rep_length), leaf_.max_repetition_level, count, repetitions_));
    RB_TRY(levels(body.subspan(rep_length, def_length), leaf_.max_definition_level, count,
                  definitions_));
    const Span values = body.subspan(rep_length + def_length);
    if (!v2.is_compressed || metadata_.codec == Codec::kUncompressed) {
      return read_values(v2.encoding, values, count);
    }
    const int64_t size = int64_t{h.uncompressed_page_size} -
                         int64_t{v2.repetition_levels_byte_length} -
                         v2.definition_levels_byte_length;
    if (size < 0) return error("a v2 page's sizes do not add up");
    RB_ASSIGN_OR_RETURN(const std::vector<uint8_t> page,
                        decompressed(values, static_cast<int32_t>(size)));
    return read_values(v2.encoding, page, count);
  }

  // Decodes the page's values and appends its `count` level entries.
  Result<void> read_values(Encoding encoding, Span bytes, size_t count) {
    size_t present = 0;
    for (size_t i = 0; i < count; ++i) {
      present += definitions_[i] == static_cast<uint32_t>(leaf_.max_definition_level);
    }
    switch (encoding) {
      case Encoding::kPlain:
        RB_TRY(plain_values(bytes, present, page_values_, page_bools_));
        break;
      case Encoding::kPlainDictionary:
      case Encoding::kRleDictionary: {
        if (bytes.empty()) {
          if (present > 0) return error("its dictionary indices are missing");
          page_values_.clear();
          break;
        }
        RB_TRY(rle_indices(bytes.subspan(1), bytes[0], present));
        break;
      }
      case Encoding::kRle: {
        // Booleans as RLE runs of width 1 behind their 4-byte length.
        if (leaf_.physical != PhysicalType::kBoolean || bytes.size() < 4) {
          return error("RLE values that are not booleans");
        }
        const uint32_t length = load_u32(bytes, 0);
        if (bytes.size() - 4 < length) return error("its RLE booleans run past the page");
        std::vector<uint32_t> bits;
        auto decoded = rle_hybrid_decode(bytes.subspan(4, length), 1, present, bits);
        if (!decoded) return error(decoded.error().message);
        page_bools_.assign(bits.begin(), bits.end());
        page_values_.clear();
        for (size_t i = 0; i < present; ++i) page_values_.emplace_back(&page_bools_[i], 1);
        break;
      }
      case Encoding::kDeltaBinaryPacked: {
        const size_t width = leaf_.physical == PhysicalType::kInt32   ? 4
                             : leaf_.physical == PhysicalType::kInt64 ? 8
                                                                      : 0;
        if (width == 0) return error("DELTA_BINARY_PACKED values that are not integers");
        std::vector<int64_t> integers;
        auto decoded = decode_delta_binary_packed(bytes, present, integers);
        if (!decoded) return error(decoded.error().message);
        page_arena_.resize(present * width);
        for (size_t i = 0; i < present; ++i) {
          std::memcpy(page_arena_.data() + i * width, &integers[i], width);  // little-endian
        }
        fixed_spans(width, present);
        break;
      }
      case Encoding::kDeltaLengthByteArray:
      case Encoding::kDeltaByteArray: {
        if (leaf_.physical != PhysicalType::kByteArray &&
            leaf_.physical != PhysicalType::kFixedLenByteArray) {
          return error("delta-encoded byte arrays in a column of another type");
        }
        std::vector<size_t> ends;
        auto decoded = encoding == Encoding::kDeltaByteArray
                           ? decode_delta_byte_array(bytes, present, page_arena_, ends)
                           : decode_delta_length_byte_array(bytes, present, page_arena_, ends);
        if (!decoded) return error(decoded.error().message);
        page_values_.clear();
        size_t start = 0;
        for (size_t end : ends) {
          page_values_.push_back(Span(page_arena_).subspan(start, end - start));
          start = end;
        }
        break;
      }
      case Encoding::kByteStreamSplit: {
        const size_t width = plain_width();
        if (width == 0) return error("BYTE_STREAM_SPLIT values of no fixed width");
        auto decoded = decode_byte_stream_split(bytes, present, width, page_arena_);
        if (!decoded) return error(decoded.error().message);
        fixed_spans(width, present);
        break;
      }
      default:
        return error("its values use encoding " + std::to_string(static_cast<int>(encoding)) +
                     ", which this reader does not decode");
    }
    return append_entries(count);
  }

  // The page's values: `count` of `width` bytes in page_arena_.
  void fixed_spans(size_t width, size_t count) {
    page_values_.clear();
    for (size_t i = 0; i < count; ++i)
      page_values_.push_back(Span(page_arena_).subspan(i * width, width));
  }

  Result<void> rle_indices(Span bytes, uint8_t width, size_t present) {
    if (width > 32) return error("dictionary indices of " + std::to_string(width) + " bits");
    std::vector<uint32_t> indices;
    auto decoded = rle_hybrid_decode(bytes, width, present, indices);
    if (!decoded) return error("its dictionary indices: " + decoded.error().message);
    page_values_.clear();
    page_values_.reserve(present);
    for (uint32_t index : indices) {
      if (index >= dictionary_.size()) {
        return error("a dictionary index " + std::to_string(index) + " past its " +
                     std::to_string(dictionary_.size()) + " entries");
      }
      page_values_.push_back(dictionary_[index]);
    }
    return {};
  }

  // Appends the page's level entries: values, nulls and, for a list, its
  // rows (a repetition level of 0 starts one).
  Result<void> append_entries(size_t count) {
    const auto max = static_cast<uint32_t>(leaf_.max_definition_level);
    size_t value = 0;
    const bool list = field_.type.id() == TypeId::kList;
    auto* lists = list ? static_cast<arrow::ListBuilder*>(builder_.get()) : nullptr;
    const uint32_t empty = field_.nullable ? 1 : 0;  // a list's def when empty
    for (size_t i = 0; i < count; ++i) {
      const uint32_t def = definitions_[i];
      if (!list) {
        if (def == max) {
          RB_TRY(values_->append(page_values_[value++]));
        } else {
          values_->append_null();
        }
        continue;
      }
      if (repetitions_[i] == 0) {
        if (def < empty) {
          lists->append_null();
          continue;
        }
        lists->append();
        if (def == empty) continue;
      } else if (values_read_ + i == 0) {
        return error("a list continues before any began");
      }
      if (def == max) {
        RB_TRY(values_->append(page_values_[value++]));
      } else {
        values_->append_null();
      }
    }
    values_read_ += static_cast<int64_t>(count);
    return {};
  }

  Span chunk_;
  const ColumnMetaData& metadata_;
  const LeafColumn& leaf_;
  const arrow::Field& field_;
  std::string column_;
  std::unique_ptr<arrow::ArrayBuilder> builder_;
  std::unique_ptr<ValueSink> values_;
  int64_t values_read_ = 0;

  std::vector<uint8_t> dictionary_buffer_;
  std::vector<Span> dictionary_;
  std::vector<uint8_t> dictionary_bools_;
  std::vector<uint32_t> definitions_;
  std::vector<uint32_t> repetitions_;
  std::vector<Span> page_values_;
  std::vector<uint8_t> page_bools_;
  std::vector<uint8_t> page_arena_;  // values a decoder had to materialize
};

}  // namespace

Result<arrow::Array> read_column_chunk(std::span<const uint8_t> chunk,
                                       const ColumnMetaData& metadata, const LeafColumn& leaf,
                                       const arrow::Field& field, int64_t rows) {
  return ChunkReader(chunk, metadata, leaf, field).read(rows);
}

}  // namespace rapidbyte::parquet
