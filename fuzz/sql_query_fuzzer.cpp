// libFuzzer target for the SQL engine (portable/sql): the input is query
// text, as a pipeline author might write it. It is parsed, checked without a
// schema (transform-sql's validate), bound against a batch with a column of
// every type the engine computes on, and — when it binds — run over that
// batch, whose rows hold edge values (extremes, NULLs, empty text, UTF-8).
// Syntax, bind and data errors are the expected outcomes; any crash,
// over-read (ASan), unbounded recursion or UB (UBSan) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string_view>

#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/boolean_builder.hpp"
#include "portable/arrow/fixed_size_binary_builder.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/sql/query.hpp"

using namespace rapidbyte;

namespace {

constexpr int kRows = 5;

template <class Builder, class T>
arrow::Array column(Builder builder, const T (&values)[kRows], const bool (&nulls)[kRows]) {
  for (int i = 0; i < kRows; ++i) {
    if (nulls[i]) {
      builder.append_null();
    } else {
      builder.append(values[i]);
    }
  }
  return *builder.finish();
}

// The columns of the SQL conformance table (tests/sql), so that its queries
// make a seed corpus that binds.
arrow::RecordBatch make_batch() {
  using L64 = std::numeric_limits<int64_t>;
  const bool none[kRows] = {false, false, false, false, false};
  const bool some[kRows] = {false, false, true, false, false};
  const int32_t id[kRows] = {1, 2, 3, 4, 5};
  const int16_t i16[kRows] = {1, -32768, 0, 32767, -5};
  const int32_t i32[kRows] = {10, -2147483647 - 1, 0, 2147483647, 0};
  const int64_t i64[kRows] = {100, L64::min(), 0, L64::max(), -7};
  const double f64[kRows] = {1.5, -0.0, 0, 1e300, std::numeric_limits<double>::infinity()};
  const bool b[kRows] = {true, false, false, true, false};
  const std::string_view t[kRows] = {"alpha", "", "", "\u00fcn\u00efc\u00f6d\u00e9",
                                     "tab\tand %percent_"};
  const int32_t d[kRows] = {19737, -719162, 0, 2932896, 0};
  const int64_t ts[kRows] = {1705314600000000, -62135596800000000, 0, 253402300799999999, -1};
  // decimal128(12, 3), little-endian two's complement.
  const __int128 n[kRows] = {12345, -500, 0, 999999999999, -1};
  arrow::FixedSizeBinaryBuilder nb(arrow::decimal128(12, 3));
  for (int i = 0; i < kRows; ++i) {
    if (some[i]) {
      nb.append_null();
    } else {
      uint8_t bytes[16];
      std::memcpy(bytes, &n[i], 16);
      nb.append(std::span<const uint8_t>(bytes, 16));
    }
  }
  auto schema = arrow::make_schema({
      arrow::field("id", arrow::int32()),
      arrow::field("i16", arrow::int16()),
      arrow::field("i32", arrow::int32()),
      arrow::field("i64", arrow::int64()),
      arrow::field("f64", arrow::float64()),
      arrow::field("n", arrow::decimal128(12, 3)),
      arrow::field("b", arrow::boolean()),
      arrow::field("t", arrow::utf8()),
      arrow::field("d", arrow::date32()),
      arrow::field("ts", arrow::timestamp(arrow::TimeUnit::kMicro)),
      arrow::field("tz", arrow::timestamp(arrow::TimeUnit::kMicro, "UTC")),
  });
  return arrow::RecordBatch(
      schema,
      {column(arrow::Int32Builder(arrow::int32()), id, none),
       column(arrow::Int16Builder(arrow::int16()), i16, some),
       column(arrow::Int32Builder(arrow::int32()), i32, some),
       column(arrow::Int64Builder(arrow::int64()), i64, some),
       column(arrow::Float64Builder(arrow::float64()), f64, some), *nb.finish(),
       column(arrow::BooleanBuilder(), b, some), column(arrow::StringBuilder(), t, some),
       column(arrow::Date32Builder(), d, some), column(arrow::TimestampBuilder(), ts, some),
       column(arrow::TimestampBuilder(arrow::TimeUnit::kMicro, "UTC"), ts, some)},
      kRows);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const arrow::RecordBatch batch = make_batch();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto query = sql::Query::prepare(text, sql::FunctionEnv{1700000000000000});
  if (!query) {
    (void)sql::describe(query.error(), text);
    return 0;
  }
  if (auto checked = query->check(); !checked) (void)sql::describe(checked.error(), text);
  auto result = query->execute(batch);
  if (!result) (void)sql::describe(result.error(), text);
  return 0;
}
