// The IPC reader on untrusted input: every malformation yields an Error that
// names the problem, and no input crashes it.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "rapidbyte_arrow_format/Message_generated.h"
#include "tests/arrow/test_batches.hpp"

namespace rapidbyte::arrow {
namespace {

namespace fb = org::apache::arrow::flatbuf;
using test_data::all_types_batch;

void append_u32(std::vector<uint8_t>& out, uint32_t v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  out.insert(out.end(), p, p + 4);
}

// Frames a finished flatbuffer as an IPC message followed by `body`.
void append_message(std::vector<uint8_t>& out, flatbuffers::FlatBufferBuilder& fbb,
                    const std::vector<uint8_t>& body) {
  std::vector<uint8_t> meta(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
  meta.resize((meta.size() + 7) / 8 * 8, 0);
  append_u32(out, 0xFFFFFFFFu);
  append_u32(out, static_cast<uint32_t>(meta.size()));
  out.insert(out.end(), meta.begin(), meta.end());
  out.insert(out.end(), body.begin(), body.end());
}

struct BatchSpec {
  int64_t length = 0;
  std::vector<fb::FieldNode> nodes;
  std::vector<fb::Buffer> buffers;
  std::vector<uint8_t> body;
  int64_t body_length = -1;  // -1: body.size()
  bool compressed = false;
};

// The schema message for `schema`, a hand-made record batch message, and
// the end marker.
std::vector<uint8_t> stream_with(std::shared_ptr<const Schema> schema, const BatchSpec& spec) {
  std::vector<uint8_t> out = IpcStreamWriter(std::move(schema)).bytes();
  flatbuffers::FlatBufferBuilder fbb;
  auto nodes = fbb.CreateVectorOfStructs(spec.nodes);
  auto buffers = fbb.CreateVectorOfStructs(spec.buffers);
  flatbuffers::Offset<fb::BodyCompression> compression;
  if (spec.compressed) compression = fb::CreateBodyCompression(fbb, fb::CompressionType::ZSTD);
  auto rb = fb::CreateRecordBatch(fbb, spec.length, nodes, buffers, compression);
  const int64_t body_length =
      spec.body_length >= 0 ? spec.body_length : static_cast<int64_t>(spec.body.size());
  fbb.Finish(fb::CreateMessage(fbb, fb::MetadataVersion::V5, fb::MessageHeader::RecordBatch,
                               rb.Union(), body_length));
  append_message(out, fbb, spec.body);
  append_u32(out, 0xFFFFFFFFu);
  append_u32(out, 0);
  return out;
}

template <class T>
std::vector<uint8_t> le_bytes(std::initializer_list<T> values) {
  std::vector<uint8_t> out(values.size() * sizeof(T));
  std::memcpy(out.data(), std::data(values), out.size());
  out.resize((out.size() + 7) / 8 * 8, 0);
  return out;
}

std::vector<uint8_t> concat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Reads a whole stream and returns the error message ("" on success).
std::string read_error(std::span<const uint8_t> bytes) {
  auto r = read_ipc_stream(bytes);
  return r ? std::string() : r.error().message;
}

#define EXPECT_ERROR_CONTAINS(bytes, text)                                        \
  do {                                                                            \
    std::string message = read_error(bytes);                                      \
    EXPECT_NE(message.find(text), std::string::npos) << "error was: " << message; \
  } while (0)

// A valid one-column utf8 stream over "ab", "cd" built by hand.
BatchSpec utf8_spec() {
  BatchSpec s;
  s.length = 2;
  s.nodes = {fb::FieldNode(2, 0)};
  auto offsets = le_bytes<int32_t>({0, 2, 4});
  auto data = le_bytes<uint8_t>({'a', 'b', 'c', 'd'});
  s.buffers = {fb::Buffer(0, 0), fb::Buffer(0, 12), fb::Buffer(16, 4)};
  s.body = concat({offsets, data});
  return s;
}

std::shared_ptr<const Schema> utf8_schema() {
  return make_schema({field("s", utf8())});
}

TEST(IpcMalformedTest, HandMadeStreamIsValid) {
  auto bytes = stream_with(utf8_schema(), utf8_spec());
  auto r = read_ipc_stream(bytes);
  ASSERT_TRUE(r) << r.error().message;
  StringArray s(r->batches[0].column(0));
  EXPECT_EQ(s.value(1), "cd");
}

TEST(IpcMalformedTest, EmptyAndGarbageInput) {
  EXPECT_ERROR_CONTAINS(std::vector<uint8_t>{}, "empty");
  EXPECT_ERROR_CONTAINS((std::vector<uint8_t>{0xFF, 0xFF}), "incomplete message length");
  std::vector<uint8_t> garbage(64, 0xAB);
  EXPECT_ERROR_CONTAINS(garbage, "negative length");
  std::vector<uint8_t> eos = {0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0};
  EXPECT_ERROR_CONTAINS(eos, "no schema message");
}

TEST(IpcMalformedTest, TruncatedAtEveryLength) {
  RecordBatch batch = all_types_batch(10);
  auto bytes = *write_ipc_stream(batch.schema(), {batch, batch});
  auto reader = IpcStreamReader::open(bytes);
  ASSERT_TRUE(reader);
  std::vector<size_t> boundaries = {reader->position()};
  while (true) {
    auto b = reader->next();
    ASSERT_TRUE(b);
    boundaries.push_back(reader->position());
    if (!*b) break;
  }
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::span<const uint8_t> prefix(bytes.data(), n);
    auto r = read_ipc_stream(prefix);
    const bool at_boundary = std::find(boundaries.begin(), boundaries.end(), n) != boundaries.end();
    if (at_boundary) {
      EXPECT_TRUE(r) << "prefix " << n << ": " << r.error().message;
    } else {
      EXPECT_FALSE(r) << "prefix " << n << " was accepted";
    }
  }
}

TEST(IpcMalformedTest, LyingMetadataLength) {
  RecordBatch batch = all_types_batch(4);
  auto bytes = *write_ipc_stream(batch.schema(), {batch});
  const uint32_t huge = 0x7FFFFFF0u;
  std::memcpy(bytes.data() + 4, &huge, 4);
  EXPECT_ERROR_CONTAINS(bytes, "truncated at byte 0: metadata of 2147483632 bytes");
}

TEST(IpcMalformedTest, BodyLongerThanInput) {
  BatchSpec s = utf8_spec();
  s.body_length = 1 << 20;
  EXPECT_ERROR_CONTAINS(stream_with(utf8_schema(), s), "body of 1048576 bytes but only");
}

TEST(IpcMalformedTest, BufferOutsideBody) {
  BatchSpec s = utf8_spec();
  s.buffers[2] = fb::Buffer(16, 400);
  EXPECT_ERROR_CONTAINS(stream_with(utf8_schema(), s),
                        "field 's': buffer 2 (offset 16, length 400) lies outside the 24-byte");
  s.buffers[2] = fb::Buffer(-8, 4);
  EXPECT_ERROR_CONTAINS(stream_with(utf8_schema(), s), "lies outside");
  s.buffers[2] = fb::Buffer(INT64_MAX, INT64_MAX);
  EXPECT_ERROR_CONTAINS(stream_with(utf8_schema(), s), "lies outside");
}

TEST(IpcMalformedTest, OffsetsPastTheData) {
  BatchSpec s = utf8_spec();
  s.body = concat({le_bytes<int32_t>({0, 2, 100}), le_bytes<uint8_t>({'a', 'b', 'c', 'd'})});
  EXPECT_ERROR_CONTAINS(stream_with(utf8_schema(), s),
                        "offset 100 at slot 1 is past the end of the 4-byte data buffer");
}

TEST(IpcMalformedTest, DecreasingOffsets) {
  BatchSpec s = utf8_spec();
  s.body = concat({le_bytes<int32_t>({0, 3, 2}), le_bytes<uint8_t>({'a', 'b', 'c', 'd'})});
  EXPECT_ERROR_CONTAINS(stream_with(utf8_schema(), s), "offsets decrease at slot 1");
  s.body = concat({le_bytes<int32_t>({-4, 2, 4}), le_bytes<uint8_t>({'a', 'b', 'c', 'd'})});
  EXPECT_ERROR_CONTAINS(stream_with(utf8_schema(), s), "first offset -4");
}

TEST(IpcMalformedTest, OffsetsBufferTooSmall) {
  BatchSpec s = utf8_spec();
  s.buffers[1] = fb::Buffer(0, 8);
  EXPECT_ERROR_CONTAINS(stream_with(utf8_schema(), s), "offsets buffer of 8 bytes is too small");
}

TEST(IpcMalformedTest, BadUtf8) {
  BatchSpec s = utf8_spec();
  s.body = concat({le_bytes<int32_t>({0, 2, 4}), le_bytes<uint8_t>({'a', 'b', 0xED, 0xA0})});
  EXPECT_ERROR_CONTAINS(stream_with(utf8_schema(), s),
                        "field 's': utf8 array: invalid UTF-8 in slot 1");
  // The same bytes are fine as binary.
  EXPECT_EQ(read_error(stream_with(make_schema({field("s", binary())}), s)), "");
  // And through the writer: builders do not check, readers do.
  StringBuilder b;
  b.append("ok");
  b.append("\xC3\x28");
  auto schema = utf8_schema();
  auto bytes = *write_ipc_stream(schema, {*RecordBatch::make(schema, {*b.finish()})});
  EXPECT_ERROR_CONTAINS(bytes, "invalid UTF-8 in slot 1");
}

TEST(IpcMalformedTest, NodeAndBufferCounts) {
  BatchSpec s = utf8_spec();
  s.nodes.push_back(fb::FieldNode(2, 0));
  EXPECT_ERROR_CONTAINS(stream_with(utf8_schema(), s),
                        "record batch has 2 field nodes, schema needs 1");
  s = utf8_spec();
  s.buffers.pop_back();
  EXPECT_ERROR_CONTAINS(stream_with(utf8_schema(), s),
                        "record batch has 2 buffers, schema needs 3");
  s = utf8_spec();
  s.nodes[0] = fb::FieldNode(3, 0);
  EXPECT_ERROR_CONTAINS(stream_with(utf8_schema(), s),
                        "node length 3 differs from the batch length 2");
  s = utf8_spec();
  s.length = -1;
  s.nodes[0] = fb::FieldNode(-1, 0);
  EXPECT_ERROR_CONTAINS(stream_with(utf8_schema(), s), "negative length");
}

TEST(IpcMalformedTest, ValidityProblems) {
  auto schema = make_schema({field("x", int64())});
  BatchSpec s;
  s.length = 10;
  s.nodes = {fb::FieldNode(10, 2)};
  s.body = concat({le_bytes<uint8_t>({0xFF, 0x03}), std::vector<uint8_t>(80, 0)});
  s.buffers = {fb::Buffer(0, 2), fb::Buffer(8, 80)};
  // Bitmap says no nulls, node says two.
  EXPECT_ERROR_CONTAINS(stream_with(schema, s),
                        "null_count 2 does not match the validity bitmap (0 nulls)");
  s.buffers[0] = fb::Buffer(0, 1);
  EXPECT_ERROR_CONTAINS(stream_with(schema, s), "validity bitmap of 1 bytes is too small");
  s.buffers[0] = fb::Buffer(0, 0);
  EXPECT_ERROR_CONTAINS(stream_with(schema, s), "no validity bitmap");
  s.nodes = {fb::FieldNode(10, 11)};
  EXPECT_ERROR_CONTAINS(stream_with(schema, s), "null count 11 outside [0, 10]");
  s.nodes = {fb::FieldNode(10, 0)};
  s.buffers = {fb::Buffer(0, 0), fb::Buffer(8, 72)};
  EXPECT_ERROR_CONTAINS(stream_with(schema, s), "values buffer of 72 bytes is too small for 10");
}

TEST(IpcMalformedTest, CompressedBufferLengthPrefixIsBounded) {
  // Read as compressed, the offsets buffer's first 8 bytes (int32 0, 2)
  // claim 2^33 uncompressed bytes: rejected before anything is allocated.
  BatchSpec s = utf8_spec();
  s.compressed = true;
  EXPECT_ERROR_CONTAINS(stream_with(utf8_schema(), s),
                        "field 's': buffer 1 (offset 0, length 12) claims 8589934592 uncompressed "
                        "bytes, more than the 4294967296 this batch may still decompress to");
}

TEST(IpcMalformedTest, UnsupportedSchemas) {
  // A List field without its child, a struct, a dictionary-encoded field,
  // big-endian data, a 24-bit integer.
  auto schema_stream = [](auto&& make_fields, fb::Endianness endianness) {
    flatbuffers::FlatBufferBuilder fbb;
    auto fields = make_fields(fbb);
    auto schema = fb::CreateSchema(fbb, endianness, fbb.CreateVector(fields));
    fbb.Finish(fb::CreateMessage(fbb, fb::MetadataVersion::V5, fb::MessageHeader::Schema,
                                 schema.Union(), 0));
    std::vector<uint8_t> out;
    append_message(out, fbb, {});
    return out;
  };
  auto list = schema_stream(
      [](flatbuffers::FlatBufferBuilder& fbb) {
        std::vector<flatbuffers::Offset<fb::Field>> f = {fb::CreateField(
            fbb, fbb.CreateString("l"), true, fb::Type::List, fb::CreateList(fbb).Union())};
        return f;
      },
      fb::Endianness::Little);
  EXPECT_ERROR_CONTAINS(list, "field 'l': 0 child fields where its type needs 1");
  auto strct = schema_stream(
      [](flatbuffers::FlatBufferBuilder& fbb) {
        std::vector<flatbuffers::Offset<fb::Field>> f = {fb::CreateField(
            fbb, fbb.CreateString("s"), true, fb::Type::Struct_, fb::CreateStruct_(fbb).Union())};
        return f;
      },
      fb::Endianness::Little);
  EXPECT_ERROR_CONTAINS(strct, "field 's': unsupported Arrow type Struct_");
  auto dict = schema_stream(
      [](flatbuffers::FlatBufferBuilder& fbb) {
        auto enc = fb::CreateDictionaryEncoding(fbb, 1, fb::CreateInt(fbb, 32, true));
        std::vector<flatbuffers::Offset<fb::Field>> f = {fb::CreateField(
            fbb, fbb.CreateString("d"), true, fb::Type::Utf8, fb::CreateUtf8(fbb).Union(), enc)};
        return f;
      },
      fb::Endianness::Little);
  EXPECT_ERROR_CONTAINS(dict, "field 'd': dictionary-encoded fields are not supported");
  auto big = schema_stream(
      [](flatbuffers::FlatBufferBuilder&) { return std::vector<flatbuffers::Offset<fb::Field>>{}; },
      fb::Endianness::Big);
  EXPECT_ERROR_CONTAINS(big, "big-endian");
  auto odd_int = schema_stream(
      [](flatbuffers::FlatBufferBuilder& fbb) {
        std::vector<flatbuffers::Offset<fb::Field>> f = {fb::CreateField(
            fbb, fbb.CreateString("i"), true, fb::Type::Int, fb::CreateInt(fbb, 24, true).Union())};
        return f;
      },
      fb::Endianness::Little);
  EXPECT_ERROR_CONTAINS(odd_int, "unsupported Arrow type Int of 24 bits");
}

TEST(IpcMalformedTest, StreamMustStartWithSchema) {
  auto bytes = stream_with(utf8_schema(), utf8_spec());
  auto reader = IpcStreamReader::open(bytes);
  ASSERT_TRUE(reader);
  std::span<const uint8_t> rest = std::span<const uint8_t>(bytes).subspan(reader->position());
  EXPECT_ERROR_CONTAINS(rest, "does not start with a schema message");
}

TEST(IpcMalformedTest, CorruptedFlatbuffer) {
  auto bytes = stream_with(utf8_schema(), utf8_spec());
  auto corrupt = bytes;
  const uint32_t root = 0x7FFFFFF0u;  // root table offset far outside the metadata
  std::memcpy(corrupt.data() + 8, &root, 4);
  EXPECT_ERROR_CONTAINS(corrupt, "metadata is not a valid Arrow Message flatbuffer");
}

TEST(IpcMalformedTest, ErrorsAreSticky) {
  BatchSpec s = utf8_spec();
  s.nodes[0] = fb::FieldNode(2, 3);
  auto bytes = stream_with(utf8_schema(), s);
  auto reader = IpcStreamReader::open(bytes);
  ASSERT_TRUE(reader);
  EXPECT_FALSE(reader->next());
  auto again = reader->next();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "field 's': null count 3 outside [0, 2]");
}

// Every single-byte corruption of a valid stream must be rejected or read
// cleanly; this runs each through the full reader (a cheap, deterministic fuzz).
TEST(IpcMalformedTest, EverySingleByteCorruptionIsSafe) {
  RecordBatch batch = all_types_batch(6);
  auto bytes = *write_ipc_stream(batch.schema(), {batch});
  int rejected = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t delta : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xFF}}) {
      auto corrupt = bytes;
      corrupt[i] ^= delta;
      auto r = read_ipc_stream(corrupt);
      if (!r) {
        ++rejected;
        EXPECT_FALSE(r.error().message.empty());
      } else {
        for (const auto& b : r->batches) {
          for (const Array& c : b.columns()) EXPECT_TRUE(c.validate());
        }
      }
    }
  }
  EXPECT_GT(rejected, 0);
}

}  // namespace
}  // namespace rapidbyte::arrow
