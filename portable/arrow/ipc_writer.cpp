#include "portable/arrow/ipc_writer.hpp"

#include <cstring>
#include <string>

#include "portable/arrow/bit_util.hpp"
#include "rapidbyte_arrow_format/Message_generated.h"

namespace rapidbyte::arrow {
namespace fb = org::apache::arrow::flatbuf;
namespace {

constexpr uint32_t kContinuation = 0xFFFFFFFFu;

fb::TimeUnit to_fb(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond:
      return fb::TimeUnit::SECOND;
    case TimeUnit::kMilli:
      return fb::TimeUnit::MILLISECOND;
    case TimeUnit::kMicro:
      return fb::TimeUnit::MICROSECOND;
    case TimeUnit::kNano:
      return fb::TimeUnit::NANOSECOND;
  }
  return fb::TimeUnit::MICROSECOND;
}

// The union tag and table of `type` in Schema.fbs terms.
std::pair<fb::Type, flatbuffers::Offset<void>> type_to_fb(flatbuffers::FlatBufferBuilder& fbb,
                                                          const DataType& type) {
  auto int_type = [&](int bits, bool is_signed) {
    return std::pair{fb::Type::Int, fb::CreateInt(fbb, bits, is_signed).Union()};
  };
  switch (type.id()) {
    case TypeId::kNull:
      return {fb::Type::Null, fb::CreateNull(fbb).Union()};
    case TypeId::kBool:
      return {fb::Type::Bool, fb::CreateBool(fbb).Union()};
    case TypeId::kInt8:
      return int_type(8, true);
    case TypeId::kInt16:
      return int_type(16, true);
    case TypeId::kInt32:
      return int_type(32, true);
    case TypeId::kInt64:
      return int_type(64, true);
    case TypeId::kUInt8:
      return int_type(8, false);
    case TypeId::kUInt16:
      return int_type(16, false);
    case TypeId::kUInt32:
      return int_type(32, false);
    case TypeId::kUInt64:
      return int_type(64, false);
    case TypeId::kFloat32:
      return {fb::Type::FloatingPoint, fb::CreateFloatingPoint(fbb, fb::Precision::SINGLE).Union()};
    case TypeId::kFloat64:
      return {fb::Type::FloatingPoint, fb::CreateFloatingPoint(fbb, fb::Precision::DOUBLE).Union()};
    case TypeId::kUtf8:
      return {fb::Type::Utf8, fb::CreateUtf8(fbb).Union()};
    case TypeId::kBinary:
      return {fb::Type::Binary, fb::CreateBinary(fbb).Union()};
    case TypeId::kFixedSizeBinary:
      return {fb::Type::FixedSizeBinary, fb::CreateFixedSizeBinary(fbb, type.byte_width()).Union()};
    case TypeId::kDate32:
      return {fb::Type::Date, fb::CreateDate(fbb, fb::DateUnit::DAY).Union()};
    case TypeId::kTimestamp: {
      flatbuffers::Offset<flatbuffers::String> tz;
      if (!type.timezone().empty()) tz = fbb.CreateString(type.timezone());
      return {fb::Type::Timestamp, fb::CreateTimestamp(fbb, to_fb(type.unit()), tz).Union()};
    }
    case TypeId::kDecimal128:
      return {fb::Type::Decimal,
              fb::CreateDecimal(fbb, type.precision(), type.scale(), 128).Union()};
  }
  return {fb::Type::Null, fb::CreateNull(fbb).Union()};
}

flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<fb::KeyValue>>> metadata_to_fb(
    flatbuffers::FlatBufferBuilder& fbb, const KeyValueMetadata& metadata) {
  if (metadata.empty()) return 0;
  std::vector<flatbuffers::Offset<fb::KeyValue>> entries;
  entries.reserve(metadata.size());
  for (const auto& [key, value] : metadata) {
    auto k = fbb.CreateString(key);
    auto v = fbb.CreateString(value);
    entries.push_back(fb::CreateKeyValue(fbb, k, v));
  }
  return fbb.CreateVector(entries);
}

// One body buffer to emit: where its bytes come from and how to copy them.
struct BodyPiece {
  enum class Kind : uint8_t { kCopy, kBits, kOffsets, kZeros };
  Kind kind = Kind::kZeros;
  const uint8_t* src = nullptr;
  int64_t src_offset = 0;  // kBits: first bit
  int64_t count = 0;       // kBits: bits; kOffsets: values (count + 1 offsets)
  int64_t bytes = 0;       // length in the body, before padding
};

int32_t load_i32(const uint8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Appends the body pieces of one column (Arrow's buffer order for its layout).
void plan_column(const Array& column, std::vector<BodyPiece>& pieces) {
  const ArrayData& d = column.data();
  const int64_t n = d.length;
  if (d.type.layout() == Layout::kNull) return;  // the null type has no buffers

  BodyPiece validity;
  if (d.null_count > 0) {
    validity = {BodyPiece::Kind::kBits, d.validity.data(), d.offset, n,
                bit_util::bytes_for_bits(n)};
  }
  pieces.push_back(validity);

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
    case Layout::kVarBinary: {
      if (n == 0) {
        pieces.push_back({BodyPiece::Kind::kZeros, nullptr, 0, 0, 4});  // one zero offset
        pieces.push_back({});
        break;
      }
      const uint8_t* offsets = d.values.data() + d.offset * 4;
      const int32_t first = load_i32(offsets);
      const int32_t last = load_i32(offsets + n * 4);
      pieces.push_back({BodyPiece::Kind::kOffsets, offsets, 0, n, (n + 1) * 4});
      pieces.push_back({BodyPiece::Kind::kCopy, d.data.data() + first, 0, 0, last - first});
      break;
    }
  }
}

void emit_piece(const BodyPiece& piece, uint8_t* dst) {
  switch (piece.kind) {
    case BodyPiece::Kind::kZeros:
      break;  // the output was zero-filled
    case BodyPiece::Kind::kCopy:
      if (piece.bytes > 0) std::memcpy(dst, piece.src, static_cast<size_t>(piece.bytes));
      break;
    case BodyPiece::Kind::kBits:
      bit_util::copy_bits(piece.src, piece.src_offset, piece.count, dst);
      break;
    case BodyPiece::Kind::kOffsets: {
      const int32_t first = load_i32(piece.src);
      if (first == 0) {
        std::memcpy(dst, piece.src, static_cast<size_t>(piece.bytes));
      } else {
        for (int64_t i = 0; i <= piece.count; ++i) {
          const int32_t v = load_i32(piece.src + i * 4) - first;
          std::memcpy(dst + i * 4, &v, 4);
        }
      }
      break;
    }
  }
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

IpcStreamWriter::IpcStreamWriter(std::shared_ptr<const Schema> schema, std::vector<uint8_t> out)
    : schema_(std::move(schema)),
      out_(std::move(out)),
      fbb_(std::make_unique<flatbuffers::FlatBufferBuilder>(1024)) {
  write_schema_message();
}

IpcStreamWriter::IpcStreamWriter(const Schema& schema, std::vector<uint8_t> out)
    : IpcStreamWriter(std::make_shared<const Schema>(schema), std::move(out)) {}

IpcStreamWriter::~IpcStreamWriter() = default;
IpcStreamWriter::IpcStreamWriter(IpcStreamWriter&&) noexcept = default;
IpcStreamWriter& IpcStreamWriter::operator=(IpcStreamWriter&&) noexcept = default;

void IpcStreamWriter::write_schema_message() {
  flatbuffers::FlatBufferBuilder& fbb = *fbb_;
  fbb.Clear();
  std::vector<flatbuffers::Offset<fb::Field>> fields;
  fields.reserve(schema_->fields().size());
  for (const Field& f : schema_->fields()) {
    auto name = fbb.CreateString(f.name);
    auto [type_tag, type_table] = type_to_fb(fbb, f.type);
    auto metadata = metadata_to_fb(fbb, f.metadata);
    auto children = fbb.CreateVector(std::vector<flatbuffers::Offset<fb::Field>>{});
    fields.push_back(
        fb::CreateField(fbb, name, f.nullable, type_tag, type_table, 0, children, metadata));
  }
  auto field_vec = fbb.CreateVector(fields);
  auto schema_metadata = metadata_to_fb(fbb, schema_->metadata());
  auto schema = fb::CreateSchema(fbb, fb::Endianness::Little, field_vec, schema_metadata);
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

  std::vector<BodyPiece> pieces;
  pieces.reserve(static_cast<size_t>(batch.num_columns()) * 3);
  std::vector<fb::FieldNode> nodes;
  nodes.reserve(static_cast<size_t>(batch.num_columns()));
  for (const Array& column : batch.columns()) {
    nodes.emplace_back(column.length(), column.null_count());
    plan_column(column, pieces);
  }
  std::vector<fb::Buffer> buffers;
  buffers.reserve(pieces.size());
  int64_t body_length = 0;
  for (const BodyPiece& piece : pieces) {
    buffers.emplace_back(body_length, piece.bytes);
    body_length += bit_util::pad8(piece.bytes);
  }

  flatbuffers::FlatBufferBuilder& fbb = *fbb_;
  fbb.Clear();
  auto node_vec = fbb.CreateVectorOfStructs(nodes);
  auto buffer_vec = fbb.CreateVectorOfStructs(buffers);
  auto record_batch = fb::CreateRecordBatch(fbb, batch.num_rows(), node_vec, buffer_vec);
  auto message = fb::CreateMessage(fbb, fb::MetadataVersion::V5, fb::MessageHeader::RecordBatch,
                                   record_batch.Union(), body_length);
  fbb.Finish(message);

  const size_t body = append_message(out_, fbb, body_length);
  uint8_t* base = out_.data() + body;
  for (size_t i = 0; i < pieces.size(); ++i) {
    emit_piece(pieces[i], base + buffers[i].offset());
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
                                              const std::vector<RecordBatch>& batches) {
  IpcStreamWriter writer(std::move(schema));
  for (const RecordBatch& batch : batches) {
    if (auto ok = writer.write(batch); !ok) return std::unexpected(ok.error());
  }
  return writer.finish();
}

}  // namespace rapidbyte::arrow
