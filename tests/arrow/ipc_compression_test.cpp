// IPC body compression: LZ4 frame and ZSTD round trips, the -1 "stored
// uncompressed" prefix, and compressed input that lies about its sizes.
// (Native builds only link the codecs; the wasm build rejects compressed
// batches, which the malformed-input tests cover through the same path.)
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "portable/arrow/compression.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "tests/arrow/test_batches.hpp"

namespace rapidbyte::arrow {
namespace {

using test_data::all_types_batch;

class IpcCompressionTest : public ::testing::TestWithParam<Compression> {};

TEST_P(IpcCompressionTest, RoundTripsEveryType) {
  ASSERT_TRUE(compression_available());
  std::vector<RecordBatch> batches = {all_types_batch(300), all_types_batch(0),
                                      all_types_batch(90).slice(7, 50)};
  auto plain = *write_ipc_stream(batches[0].schema(), batches);
  auto packed = write_ipc_stream(batches[0].schema(), batches, {GetParam()});
  ASSERT_TRUE(packed) << packed.error().message;
  EXPECT_LT(packed->size(), plain.size());
  auto back = read_ipc_stream(*packed);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->batches.size(), 3u);
  for (size_t i = 0; i < batches.size(); ++i) {
    test_data::expect_batches_equal(batches[i], back->batches[i]);
  }
}

TEST_P(IpcCompressionTest, IncompressibleBuffersAreStoredRaw) {
  // Random bytes do not shrink: the writer stores them behind a -1 prefix.
  BinaryBuilder b;
  uint64_t x = 0x9E3779B97F4A7C15ULL;
  std::string noise(4096, '\0');
  for (char& c : noise) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  b.append(noise);
  auto schema = make_schema({field("b", binary())});
  auto batch = *RecordBatch::make(schema, {*b.finish()});
  auto bytes = *write_ipc_stream(schema, {batch}, {GetParam()});
  const auto* raw = reinterpret_cast<const uint8_t*>(noise.data());
  auto at = std::search(bytes.begin(), bytes.end(), raw, raw + noise.size());
  ASSERT_NE(at, bytes.end());
  int64_t prefix = 0;
  std::memcpy(&prefix, &*(at - 8), 8);
  EXPECT_EQ(prefix, -1);
  auto back = read_ipc_stream(bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(BinaryArray(back->batches[0].column(0)).value(0), noise);
}

TEST_P(IpcCompressionTest, DecompressedSizeMustMatch) {
  std::vector<uint8_t> input(1000, 7);
  std::vector<uint8_t> frame;
  ASSERT_TRUE(compress(GetParam(), input, frame));
  std::vector<uint8_t> out(1000);
  ASSERT_TRUE(decompress(GetParam(), frame, out));
  EXPECT_EQ(out, input);
  std::vector<uint8_t> small(999);
  EXPECT_FALSE(decompress(GetParam(), frame, small));
  std::vector<uint8_t> big(1001);
  EXPECT_FALSE(decompress(GetParam(), frame, big));
  frame.resize(frame.size() / 2);
  EXPECT_FALSE(decompress(GetParam(), frame, out));
  std::vector<uint8_t> garbage(64, 0xAB);
  EXPECT_FALSE(decompress(GetParam(), garbage, out));
}

TEST_P(IpcCompressionTest, DecompressionBudgetIsEnforced) {
  auto batch = all_types_batch(200);
  auto bytes = *write_ipc_stream(batch.schema(), {batch}, {GetParam()});
  auto r = read_ipc_stream(bytes, nullptr, IpcReadOptions{1000});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("this batch may still decompress to"), std::string::npos)
      << r.error().message;
  EXPECT_TRUE(read_ipc_stream(bytes, nullptr, IpcReadOptions{1 << 20}));
}

TEST_P(IpcCompressionTest, CorruptFramesAreErrors) {
  auto batch = all_types_batch(64);
  auto bytes = *write_ipc_stream(batch.schema(), {batch}, {GetParam()});
  // Flip every 7th byte of the second half (the body) one at a time.
  int rejected = 0;
  for (size_t i = bytes.size() / 2; i < bytes.size(); i += 7) {
    auto copy = bytes;
    copy[i] ^= 0x5A;
    auto r = read_ipc_stream(copy);
    if (!r) ++rejected;
  }
  EXPECT_GT(rejected, 0);
}

INSTANTIATE_TEST_SUITE_P(Codecs, IpcCompressionTest,
                         ::testing::Values(Compression::kLz4Frame, Compression::kZstd),
                         [](const auto& info) {
                           return std::string(compression_name(info.param));
                         });

TEST(CompressionTest, Names) {
  EXPECT_EQ(compression_name(Compression::kNone), "none");
  EXPECT_EQ(compression_name(Compression::kLz4Frame), "lz4_frame");
  EXPECT_EQ(compression_name(Compression::kZstd), "zstd");
}

}  // namespace
}  // namespace rapidbyte::arrow
