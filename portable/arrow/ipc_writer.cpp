#include "portable/arrow/ipc_writer.hpp"

#include <cstring>
#include <string>

#include "portable/arrow/bit_util.hpp"
#include "portable/arrow/compression.hpp"
#include "portable/arrow/ipc_schema.hpp"
#include "portable/base/try.hpp"
#include "rapidbyte_arrow_format/Message_generated.h"

namespace rapidbyte::arrow {
namespace fb = org::apache::arrow::flatbuf;
namespace {

constexpr uint32_t kContinuation = 0xFFFFFFFFu;

// One body buffer to emit: where its bytes come from and how to copy them.
struct BodyPiece {
  enum class Kind : uint8_t { kCopy, kBits, kOffsets32, kOffsets64, kZeros };
  Kind kind = Kind::kZeros;
  const uint8_t* src = nullptr;
  int64_t src_offset = 0;  // kBits: first bit
  int64_t count = 0;       // kBits: bits; kOffsets*: values (count + 1 offsets)
  int64_t bytes = 0;       // length in the body, before padding
};

// Appends the field nodes and body pieces of one column, children after
// their parent (Arrow's pre-order flattening), in Arrow's buffer order.
void plan_column(const Array& column, std::vector<fb::FieldNode>& nodes,
                 std::vector<BodyPiece>& pieces) {
  const ArrayData& d = column.data();
  const int64_t n = d.length;
  nodes.emplace_back(n, column.null_count());
  if (d.type.layout() == Layout::kNull) return;  // the null type has no buffers

  BodyPiece validity;
  if (d.null_count > 0) {
    validity = {BodyPiece::Kind::kBits, d.validity.data(), d.offset, n,
                bit_util::bytes_for_bits(n)};
  }
  pieces.push_back(validity);

  // Offsets re-based to zero; returns the [first, last) range they cover.
  auto plan_offsets = [&](BodyPiece::Kind kind, int64_t width) -> std::pair<int64_t, int64_t> {
    if (n == 0) {
      pieces.push_back({BodyPiece::Kind::kZeros, nullptr, 0, 0, width});  // one zero offset
      return {0, 0};
    }
    const uint8_t* offsets = d.values.data() + d.offset * width;
    const bool wide = width == 8;
    const int64_t first =
        wide ? bit_util::load<int64_t>(offsets) : bit_util::load<int32_t>(offsets);
    const uint8_t* end = offsets + n * width;
    const int64_t last = wide ? bit_util::load<int64_t>(end) : bit_util::load<int32_t>(end);
    pieces.push_back({kind, offsets, 0, n, (n + 1) * width});
    return {first, last};
  };

  switch (d.type.layout()) {
    case Layout::kNull:
      break;
    case Layout::kBitmap:
      pieces.push_back(
          {BodyPiece::Kind::kBits, d.values.data(), d.offset, n, bit_util::bytes_for_bits(n)});
      break;
    case Layout::kFixedWidth: {
      const int64_t w = d.type.byte_width();
      pieces.push_back({BodyPiece::Kind::kCopy, d.values.data() + d.offset * w, 0, 0, n * w});
      break;
    }
    case Layout::kVarBinary:
    case Layout::kLargeVarBinary: {
      const bool large = d.type.layout() == Layout::kLargeVarBinary;
      auto [first, last] = plan_offsets(
          large ? BodyPiece::Kind::kOffsets64 : BodyPiece::Kind::kOffsets32, large ? 8 : 4);
      if (n == 0) {
        pieces.push_back({});
      } else {
        pieces.push_back({BodyPiece::Kind::kCopy, d.data.data() + first, 0, 0, last - first});
      }
      break;
    }
    case Layout::kList: {
      auto [first, last] = plan_offsets(BodyPiece::Kind::kOffsets32, 4);
      plan_column(Array(d.children.front()).slice(first, last - first), nodes, pieces);
      break;
    }
  }
}

// Copies offsets of type Offset, minus the first one, so they start at 0.
template <class Offset>
void rebase_offsets(const uint8_t* src, int64_t count, uint8_t* dst) {
  const Offset first = bit_util::load<Offset>(src);
  if (first == 0) {
    std::memcpy(dst, src, static_cast<size_t>((count + 1) * sizeof(Offset)));
    return;
  }
  for (int64_t i = 0; i <= count; ++i) {
    const Offset v = bit_util::load<Offset>(src + i * sizeof(Offset)) - first;
    std::memcpy(dst + i * sizeof(Offset), &v, sizeof(Offset));
  }
}

void emit_piece(const BodyPiece& piece, uint8_t* dst) {
  switch (piece.kind) {
    case BodyPiece::Kind::kZeros:
      std::memset(dst, 0, static_cast<size_t>(piece.bytes));
      break;
    case BodyPiece::Kind::kCopy:
      if (piece.bytes > 0) std::memcpy(dst, piece.src, static_cast<size_t>(piece.bytes));
      break;
    case BodyPiece::Kind::kBits:
      bit_util::copy_bits(piece.src, piece.src_offset, piece.count, dst);
      break;
    case BodyPiece::Kind::kOffsets32:
      rebase_offsets<int32_t>(piece.src, piece.count, dst);
      break;
    case BodyPiece::Kind::kOffsets64:
      rebase_offsets<int64_t>(piece.src, piece.count, dst);
      break;
  }
}

// Compresses `pieces` into `body` and describes them in `buffers`: each
// buffer becomes its int64 uncompressed length and one frame, or -1 and the
// raw bytes when compressing would not make it smaller. `scratch` holds one
// uncompressed buffer at a time.
Result<void> compress_body(Compression codec, const std::vector<BodyPiece>& pieces,
                           std::vector<fb::Buffer>& buffers, std::vector<uint8_t>& scratch,
                           std::vector<uint8_t>& body) {
  body.clear();
  for (const BodyPiece& piece : pieces) {
    const int64_t start = static_cast<int64_t>(body.size());
    if (piece.bytes == 0) {
      buffers.emplace_back(start, 0);
      continue;
    }
    scratch.resize(static_cast<size_t>(piece.bytes));
    emit_piece(piece, scratch.data());
    int64_t prefix = piece.bytes;
    body.resize(static_cast<size_t>(start) + 8);
    auto ok = compress(codec, scratch, body);
    if (!ok) return ok;
    if (static_cast<int64_t>(body.size()) - start - 8 >= piece.bytes) {
      prefix = -1;
      body.resize(static_cast<size_t>(start) + 8);
      body.insert(body.end(), scratch.begin(), scratch.end());
    }
    std::memcpy(body.data() + start, &prefix, 8);
    buffers.emplace_back(start, static_cast<int64_t>(body.size()) - start);
    body.resize(static_cast<size_t>(bit_util::pad8(body.size())));
  }
  return {};
}

// Appends the framed message (continuation, length, padded metadata) and
// reserves `body_length` zeroed bytes after it; returns the body's start.
size_t append_message(std::vector<uint8_t>& out, const flatbuffers::FlatBufferBuilder& fbb,
                      int64_t body_length) {
  const int64_t meta = fbb.GetSize();
  const int64_t padded = bit_util::pad8(meta);
  const size_t start = out.size();
  out.resize(start + 8 + static_cast<size_t>(padded) + static_cast<size_t>(body_length));
  uint8_t* p = out.data() + start;
  const uint32_t cont = kContinuation;
  const int32_t len = static_cast<int32_t>(padded);
  std::memcpy(p, &cont, 4);
  std::memcpy(p + 4, &len, 4);
  std::memcpy(p + 8, fbb.GetBufferPointer(), static_cast<size_t>(meta));
  return start + 8 + static_cast<size_t>(padded);
}

}  // namespace

IpcStreamWriter::IpcStreamWriter(std::shared_ptr<const Schema> schema, std::vector<uint8_t> out,
                                 IpcWriteOptions options)
    : schema_(std::move(schema)),
      options_(options),
      out_(std::move(out)),
      fbb_(std::make_unique<flatbuffers::FlatBufferBuilder>(1024)) {
  write_schema_message();
}

IpcStreamWriter::IpcStreamWriter(const Schema& schema, std::vector<uint8_t> out,
                                 IpcWriteOptions options)
    : IpcStreamWriter(std::make_shared<const Schema>(schema), std::move(out), options) {}

IpcStreamWriter::~IpcStreamWriter() = default;
IpcStreamWriter::IpcStreamWriter(IpcStreamWriter&&) noexcept = default;
IpcStreamWriter& IpcStreamWriter::operator=(IpcStreamWriter&&) noexcept = default;

void IpcStreamWriter::write_schema_message() {
  flatbuffers::FlatBufferBuilder& fbb = *fbb_;
  fbb.Clear();
  auto schema = ipc::schema_to_fb(fbb, *schema_);
  auto message =
      fb::CreateMessage(fbb, fb::MetadataVersion::V5, fb::MessageHeader::Schema, schema.Union(), 0);
  fbb.Finish(message);
  append_message(out_, fbb, 0);
}

Result<void> IpcStreamWriter::write(const RecordBatch& batch) {
  if (finished_) return make_error("IPC stream writer: write() after finish()");
  if (batch.schema() != schema_ && !(batch.schema() && *batch.schema() == *schema_)) {
    return make_error("IPC stream writer: batch schema differs from the stream schema");
  }
  const bool compressed = options_.compression != Compression::kNone;

  std::vector<BodyPiece> pieces;
  pieces.reserve(static_cast<size_t>(batch.num_columns()) * 3);
  std::vector<fb::FieldNode> nodes;
  nodes.reserve(static_cast<size_t>(batch.num_columns()));
  for (const Array& column : batch.columns()) plan_column(column, nodes, pieces);
  std::vector<fb::Buffer> buffers;
  buffers.reserve(pieces.size());
  int64_t body_length = 0;
  if (compressed) {
    if (auto ok = compress_body(options_.compression, pieces, buffers, scratch_, compressed_body_);
        !ok) {
      return make_error("IPC stream writer: " + ok.error().message);
    }
    body_length = static_cast<int64_t>(compressed_body_.size());
  } else {
    for (const BodyPiece& piece : pieces) {
      buffers.emplace_back(body_length, piece.bytes);
      body_length += bit_util::pad8(piece.bytes);
    }
  }

  flatbuffers::FlatBufferBuilder& fbb = *fbb_;
  fbb.Clear();
  auto node_vec = fbb.CreateVectorOfStructs(nodes);
  auto buffer_vec = fbb.CreateVectorOfStructs(buffers);
  flatbuffers::Offset<fb::BodyCompression> compression;
  if (compressed) {
    compression = fb::CreateBodyCompression(fbb, options_.compression == Compression::kZstd
                                                     ? fb::CompressionType::ZSTD
                                                     : fb::CompressionType::LZ4_FRAME);
  }
  auto record_batch =
      fb::CreateRecordBatch(fbb, batch.num_rows(), node_vec, buffer_vec, compression);
  auto message = fb::CreateMessage(fbb, fb::MetadataVersion::V5, fb::MessageHeader::RecordBatch,
                                   record_batch.Union(), body_length);
  fbb.Finish(message);

  const size_t body = append_message(out_, fbb, body_length);
  uint8_t* base = out_.data() + body;
  if (compressed) {
    std::memcpy(base, compressed_body_.data(), compressed_body_.size());
  } else {
    for (size_t i = 0; i < pieces.size(); ++i) {
      emit_piece(pieces[i], base + buffers[i].offset());
    }
  }
  ++num_batches_;
  return {};
}

std::vector<uint8_t> IpcStreamWriter::finish() {
  if (!finished_) {
    const uint32_t eos[2] = {kContinuation, 0};
    const auto* p = reinterpret_cast<const uint8_t*>(eos);
    out_.insert(out_.end(), p, p + sizeof(eos));
    finished_ = true;
  }
  return std::move(out_);
}

Result<std::vector<uint8_t>> write_ipc_stream(std::shared_ptr<const Schema> schema,
                                              const std::vector<RecordBatch>& batches,
                                              IpcWriteOptions options) {
  IpcStreamWriter writer(std::move(schema), {}, options);
  for (const RecordBatch& batch : batches) {
    RB_TRY(writer.write(batch));
  }
  return writer.finish();
}

}  // namespace rapidbyte::arrow
