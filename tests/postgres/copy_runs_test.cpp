// CopyBinaryDecoder::keep_runs_whole: a batch that reaches its size takes
// the rest of the run of equal values it ends in, and no more, whatever
// the chunks the COPY data arrives in; a run longer than max_bytes is cut.
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "portable/arrow/primitive_array.hpp"
#include "portable/postgres/codec/type_oids.hpp"
#include "portable/postgres/codec/wire.hpp"
#include "portable/postgres/copy_binary_decoder.hpp"

namespace rapidbyte::postgres {
namespace {

// Binary COPY data of one int4 column holding `values` (-1: NULL).
std::vector<uint8_t> copy_of(const std::vector<int32_t>& values) {
  std::vector<uint8_t> out = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n',
                              0,   0,   0,   0,   0,   0,   0,    0,    0};
  auto put = [&out](auto v) {
    for (int shift = 8 * (sizeof v - 1); shift >= 0; shift -= 8)
      out.push_back(static_cast<uint8_t>(static_cast<uint64_t>(v) >> shift));
  };
  for (int32_t v : values) {
    put(int16_t{1});
    if (v < 0) {
      put(int32_t{-1});
    } else {
      put(int32_t{4});
      put(v);
    }
  }
  put(int16_t{-1});
  return out;
}

bool same_bytes(RunColumn::Value a, RunColumn::Value b) {
  if (!a || !b) return !a && !b;
  return std::ranges::equal(*a, *b);
}

// The values of each batch the decoder emits, fed in chunks of `chunk` bytes.
std::vector<std::vector<int32_t>> batches_of(const std::vector<int32_t>& values, size_t chunk,
                                             uint64_t max_bytes) {
  auto builder = ArrowBatchBuilder::make({{"v", PgColumnType{oid::kInt4}}});
  EXPECT_TRUE(builder.has_value());
  std::vector<std::vector<int32_t>> out;
  // 4 bytes a value: full at 3 rows, at most 6 rows inside a run.
  CopyBinaryDecoder decoder(std::move(*builder), CopyBatchLimits{.target_bytes = 12},
                            [&out](arrow::RecordBatch batch) -> Result<void> {
                              arrow::Int32Array column(batch.column(0));
                              std::vector<int32_t> rows;
                              for (int64_t i = 0; i < batch.num_rows(); ++i)
                                rows.push_back(column.is_null(i) ? -1 : column.value(i));
                              out.push_back(std::move(rows));
                              return {};
                            });
  decoder.keep_runs_whole({.column = 0, .same = same_bytes, .max_bytes = max_bytes});
  const std::vector<uint8_t> data = copy_of(values);
  for (size_t at = 0; at < data.size(); at += chunk) {
    const std::span<const uint8_t> piece(data.data() + at, std::min(chunk, data.size() - at));
    EXPECT_TRUE(decoder.feed(piece).has_value());
  }
  EXPECT_TRUE(decoder.finish().has_value());
  return out;
}

TEST(CopyRunsTest, BatchesEndBetweenTwoValuesInEveryChunking) {
  const std::vector<int32_t> values = {-1, -1, -1, -1, 1, 2, 2, 2, 2, 3, 4, 5, 5, 6, 6, 6, 6, 7};
  const std::vector<std::vector<int32_t>> expected = {
      {-1, -1, -1, -1}, {1, 2, 2, 2, 2}, {3, 4, 5, 5}, {6, 6, 6, 6}, {7}};
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{10}, size_t{1000}}) {
    EXPECT_EQ(batches_of(values, chunk, 24), expected) << "chunks of " << chunk;
  }
}

TEST(CopyRunsTest, ARunLongerThanMaxBytesIsCut) {
  const std::vector<int32_t> values = {1, 2, 2, 2, 2, 2, 2, 2, 2, 3};
  const std::vector<std::vector<int32_t>> expected = {{1, 2, 2, 2, 2, 2}, {2, 2, 2}, {3}};
  EXPECT_EQ(batches_of(values, 1000, 24), expected);
  EXPECT_EQ(batches_of(values, 1, 24), expected);
}

}  // namespace
}  // namespace rapidbyte::postgres
