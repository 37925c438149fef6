// Shared fixtures for the Arrow tests: a batch holding every supported type
// (nested lists and extension types included) with nulls, and an equality
// check that compares values, not buffers.
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/boolean_array.hpp"
#include "portable/arrow/boolean_builder.hpp"
#include "portable/arrow/extension_type.hpp"
#include "portable/arrow/fixed_size_binary_array.hpp"
#include "portable/arrow/fixed_size_binary_builder.hpp"
#include "portable/arrow/list_array.hpp"
#include "portable/arrow/list_builder.hpp"
#include "portable/arrow/primitive_array.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/arrow/record_batch.hpp"

namespace rapidbyte::arrow::test_data {

inline std::shared_ptr<const Schema> all_types_schema() {
  return make_schema({field("n", null()),
                      field("b", boolean()),
                      field("i8", int8()),
                      field("i16", int16()),
                      field("i32", int32()),
                      field("i64", int64(), false),
                      field("u8", uint8()),
                      field("u16", uint16()),
                      field("u32", uint32()),
                      field("u64", uint64()),
                      field("f32", float32()),
                      field("f64", float64()),
                      field("s", utf8()),
                      field("bin", binary()),
                      field("d", date32()),
                      field("ts", timestamp(TimeUnit::kMicro)),
                      field("tstz", timestamp(TimeUnit::kNano, "UTC")),
                      uuid_field("uuid"),
                      field("dec", decimal128(20, 3)),
                      field("t_us", time64(TimeUnit::kMicro)),
                      field("t_ns", time64(TimeUnit::kNano)),
                      field("dur_s", duration(TimeUnit::kSecond)),
                      field("dur_ms", duration(TimeUnit::kMilli)),
                      field("dur_us", duration(TimeUnit::kMicro)),
                      field("dur_ns", duration(TimeUnit::kNano)),
                      field("iv", month_day_nano_interval()),
                      field("ls", large_utf8()),
                      field("lbin", large_binary()),
                      json_field("js"),
                      field("li", list(int32())),
                      field("lls", list(field("rows", list(utf8()), false))),
                      field("lts", list(timestamp(TimeUnit::kMicro, "UTC")))},
                     {{"origin", "rapidbyte"}});
}

// Appends the value number `r` of `type` (never null at this level; list
// elements are null when r % 5 == 2) to `builder`.
inline void append_test_value(ArrayBuilder& builder, const DataType& type, int64_t r) {
  const int64_t v = r * 37 - 50;
  switch (type.id()) {
    case TypeId::kNull:
      builder.append_null();
      break;
    case TypeId::kBool:
      static_cast<BooleanBuilder&>(builder).append(r % 3 == 0);
      break;
    case TypeId::kInt8:
      static_cast<Int8Builder&>(builder).append(static_cast<int8_t>(v));
      break;
    case TypeId::kInt16:
      static_cast<Int16Builder&>(builder).append(static_cast<int16_t>(v * 10));
      break;
    case TypeId::kInt32:
    case TypeId::kDate32:
      static_cast<Int32Builder&>(builder).append(static_cast<int32_t>(v * 1000));
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kDuration:
      static_cast<Int64Builder&>(builder).append(v * 1000000007LL);
      break;
    case TypeId::kTime64: {
      const int64_t per_day = type.unit() == TimeUnit::kMicro ? 86400000000LL : 86400000000000LL;
      static_cast<Int64Builder&>(builder).append((r * 3600000000123LL) % per_day);
      break;
    }
    case TypeId::kUInt8:
      static_cast<UInt8Builder&>(builder).append(static_cast<uint8_t>(r));
      break;
    case TypeId::kUInt16:
      static_cast<UInt16Builder&>(builder).append(static_cast<uint16_t>(r * 300));
      break;
    case TypeId::kUInt32:
      static_cast<UInt32Builder&>(builder).append(static_cast<uint32_t>(r * 70000));
      break;
    case TypeId::kUInt64:
      static_cast<UInt64Builder&>(builder).append(UINT64_MAX - static_cast<uint64_t>(r));
      break;
    case TypeId::kFloat32:
      static_cast<Float32Builder&>(builder).append(static_cast<float>(v) / 8);
      break;
    case TypeId::kFloat64:
      static_cast<Float64Builder&>(builder).append(static_cast<double>(v) / 3);
      break;
    case TypeId::kIntervalMonthDayNano:
      static_cast<MonthDayNanoBuilder&>(builder).append(
          MonthDayNano{static_cast<int32_t>(v), static_cast<int32_t>(-r), v * 1000000001LL});
      break;
    case TypeId::kUtf8:
    case TypeId::kLargeUtf8: {
      static const char* words[] = {"", "hello", "h\xC3\xA9llo w\xC3\xB6rld",
                                    "\xE6\x97\xA5\xE6\x9C\xAC", "\xF0\x9F\x98\x80 emoji"};
      const std::string value = std::string(words[r % 5]) + std::to_string(r);
      if (type.id() == TypeId::kUtf8) {
        static_cast<BinaryBuilder&>(builder).append(value);
      } else {
        static_cast<LargeBinaryBuilder&>(builder).append(value);
      }
      break;
    }
    case TypeId::kBinary:
    case TypeId::kLargeBinary: {
      std::string bytes(static_cast<size_t>(r % 7), '\0');
      for (size_t k = 0; k < bytes.size(); ++k) bytes[k] = static_cast<char>(0xF0 + k + r);
      if (type.id() == TypeId::kBinary) {
        static_cast<BinaryBuilder&>(builder).append(bytes);
      } else {
        static_cast<LargeBinaryBuilder&>(builder).append(bytes);
      }
      break;
    }
    case TypeId::kFixedSizeBinary:
    case TypeId::kDecimal128: {
      uint8_t bytes[16] = {};
      std::memcpy(bytes, &v, 8);
      if (v < 0) std::memset(bytes + 8, 0xFF, 8);
      static_cast<FixedSizeBinaryBuilder&>(builder).append(std::span<const uint8_t>(bytes));
      break;
    }
    case TypeId::kList: {
      auto& lists = static_cast<ListBuilder&>(builder);
      lists.append();
      const Field& element = type.value_field();
      for (int64_t k = 0; k < r % 4; ++k) {
        const int64_t e = r * 3 + k;
        if (element.nullable && e % 5 == 2) {
          lists.value_builder().append_null();
        } else {
          append_test_value(lists.value_builder(), element.type, e);
        }
      }
      break;
    }
  }
}

// `rows` rows; row r is null in every nullable column when r % 4 == 1.
inline RecordBatch all_types_batch(int64_t rows) {
  auto schema = all_types_schema();
  std::vector<Array> cols;
  for (const Field& f : schema->fields()) {
    auto builder = make_builder(f.type);
    for (int64_t r = 0; r < rows; ++r) {
      if (r % 4 == 1 && f.nullable) {
        builder->append_null();
      } else {
        append_test_value(*builder, f.type, r);
      }
    }
    cols.push_back(*builder->finish());
  }
  return *RecordBatch::make(schema, std::move(cols), rows);
}

// Compares the logical values of two arrays of the same type.
inline void expect_arrays_equal(const Array& a, const Array& b, const std::string& what) {
  ASSERT_EQ(a.type(), b.type()) << what;
  ASSERT_EQ(a.length(), b.length()) << what;
  ASSERT_EQ(a.null_count(), b.null_count()) << what;
  for (int64_t i = 0; i < a.length(); ++i) {
    ASSERT_EQ(a.is_null(i), b.is_null(i)) << what << " row " << i;
    if (a.is_null(i)) continue;
    switch (a.type().layout()) {
      case Layout::kNull:
        break;
      case Layout::kBitmap:
        ASSERT_EQ(BooleanArray(a).value(i), BooleanArray(b).value(i)) << what << " row " << i;
        break;
      case Layout::kVarBinary:
        ASSERT_EQ(BinaryArray(a).value(i), BinaryArray(b).value(i)) << what << " row " << i;
        break;
      case Layout::kLargeVarBinary:
        ASSERT_EQ(LargeBinaryArray(a).value(i), LargeBinaryArray(b).value(i))
            << what << " row " << i;
        break;
      case Layout::kList:
        expect_arrays_equal(ListArray(a).value(i), ListArray(b).value(i),
                            what + " row " + std::to_string(i));
        break;
      case Layout::kFixedWidth: {
        const int64_t w = a.type().byte_width();
        const uint8_t* pa = a.data().values.data() + (a.offset() + i) * w;
        const uint8_t* pb = b.data().values.data() + (b.offset() + i) * w;
        ASSERT_EQ(std::memcmp(pa, pb, static_cast<size_t>(w)), 0) << what << " row " << i;
        break;
      }
    }
  }
}

inline void expect_batches_equal(const RecordBatch& a, const RecordBatch& b) {
  ASSERT_EQ(*a.schema(), *b.schema());
  ASSERT_EQ(a.num_rows(), b.num_rows());
  for (int c = 0; c < a.num_columns(); ++c) {
    expect_arrays_equal(a.column(c), b.column(c), a.schema()->field(c).name);
  }
}

}  // namespace rapidbyte::arrow::test_data
