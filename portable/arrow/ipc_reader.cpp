#include "portable/arrow/ipc_reader.hpp"

#include <cstring>
#include <limits>
#include <new>
#include <optional>
#include <string>

#include "portable/arrow/bit_util.hpp"
#include "portable/arrow/compression.hpp"
#include "portable/arrow/ipc_schema.hpp"
#include "portable/base/try.hpp"
#include "rapidbyte_arrow_format/Message_generated.h"

namespace rapidbyte::arrow {
namespace fb = org::apache::arrow::flatbuf;

struct IpcStreamReader::Message {
  const fb::Message* message;
  std::span<const uint8_t> body;
};

namespace {

constexpr uint32_t kContinuation = 0xFFFFFFFFu;

uint32_t load_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Nodes and buffers an array of `type` has in a record batch message
// (pre-order over nested children, as IPC flattens them).
struct Counts {
  size_t nodes = 0;
  size_t buffers = 0;
};

void add_counts(const DataType& type, Counts& counts) {
  ++counts.nodes;
  switch (type.layout()) {
    case Layout::kNull:
      break;
    case Layout::kBitmap:
    case Layout::kFixedWidth:
      counts.buffers += 2;
      break;
    case Layout::kVarBinary:
    case Layout::kLargeVarBinary:
      counts.buffers += 3;
      break;
    case Layout::kList:
      counts.buffers += 2;
      add_counts(type.value_type(), counts);
      break;
  }
}

// Turns the nodes and buffers of one record batch message into ArrayData,
// decompressing buffers when the batch says so. Counts were checked against
// the schema before, so the walk never runs past either list.
class BatchDecoder {
 public:
  BatchDecoder(const fb::RecordBatch& rb, std::span<const uint8_t> body,
               const std::shared_ptr<const void>& owner, std::optional<Compression> codec,
               int64_t decompress_budget)
      : rb_(rb), body_(body), owner_(owner), codec_(codec), budget_(decompress_budget) {}

  // The array of field `f` (and, recursively, its children).
  Result<ArrayData> decode(const Field& f) {
    const fb::FieldNode* node = rb_.nodes()->Get(static_cast<flatbuffers::uoffset_t>(next_node_++));
    ArrayData data;
    data.type = f.type;
    data.length = node->length();
    data.null_count = node->null_count();
    if (data.length < 0) {
      return make_error("field '" + f.name + "': negative length " + std::to_string(data.length));
    }
    if (data.null_count < 0 || data.null_count > data.length) {
      return make_error("field '" + f.name + "': null count " + std::to_string(data.null_count) +
                        " outside [0, " + std::to_string(data.length) + "]");
    }
    const Layout layout = f.type.layout();
    if (layout == Layout::kNull) {
      data.null_count = data.length;
      return data;
    }
    auto validity = take_buffer(f);
    if (!validity) return std::unexpected(validity.error());
    auto values = take_buffer(f);
    if (!values) return std::unexpected(values.error());
    if (data.null_count > 0) data.validity = std::move(*validity);
    data.values = std::move(*values);
    if (layout == Layout::kVarBinary || layout == Layout::kLargeVarBinary) {
      RB_ASSIGN_OR_RETURN(auto chars, take_buffer(f));
      data.data = std::move(chars);
    } else if (layout == Layout::kList) {
      RB_ASSIGN_OR_RETURN(auto child, decode(f.type.value_field()));
      data.children.push_back(std::move(child));
    }
    return data;
  }

 private:
  Result<Buffer> take_buffer(const Field& f) {
    const fb::Buffer* b = rb_.buffers()->Get(static_cast<flatbuffers::uoffset_t>(next_buffer_));
    const size_t index = next_buffer_++;
    const int64_t body_size = static_cast<int64_t>(body_.size());
    const int64_t offset = b->offset();
    const int64_t length = b->length();
    auto fail = [&](const std::string& what) {
      return make_error("field '" + f.name + "': buffer " + std::to_string(index) + " (offset " +
                        std::to_string(offset) + ", length " + std::to_string(length) + ") " +
                        what);
    };
    if (offset < 0 || length < 0 || offset > body_size || length > body_size - offset) {
      return fail("lies outside the " + std::to_string(body_size) + "-byte message body");
    }
    const auto raw = body_.subspan(static_cast<size_t>(offset), static_cast<size_t>(length));
    if (!codec_ || raw.empty()) return Buffer(raw, owner_);

    // Compressed: an int64 uncompressed length, then the frame (or, for -1,
    // the bytes as they are).
    if (raw.size() < 8) return fail("is compressed but has no 8-byte length prefix");
    const int64_t size = bit_util::load<int64_t>(raw.data());
    const auto frame = raw.subspan(8);
    if (size == -1) return Buffer(frame, owner_);
    if (size < 0 || size > budget_) {
      return fail("claims " + std::to_string(size) + " uncompressed bytes, more than the " +
                  std::to_string(budget_) + " this batch may still decompress to");
    }
    budget_ -= size;
    auto storage = std::shared_ptr<uint8_t[]>(new (std::nothrow) uint8_t[size == 0 ? 1 : size]);
    if (storage == nullptr) return fail("needs more memory than is available");
    const std::span<uint8_t> out(storage.get(), static_cast<size_t>(size));
    if (auto ok = decompress(*codec_, frame, out); !ok) return fail(ok.error().message);
    return Buffer(out, std::move(storage));
  }

  const fb::RecordBatch& rb_;
  std::span<const uint8_t> body_;
  const std::shared_ptr<const void>& owner_;
  std::optional<Compression> codec_;
  int64_t budget_;
  size_t next_node_ = 0;
  size_t next_buffer_ = 0;
};

}  // namespace

Result<IpcStreamReader> IpcStreamReader::open(std::span<const uint8_t> bytes,
                                              std::shared_ptr<const void> owner,
                                              IpcReadOptions options) {
  IpcStreamReader reader(bytes, std::move(owner), options);
  auto message = reader.read_message();
  if (!message) return std::unexpected(message.error());
  if (!*message) return make_error("IPC stream is empty: no schema message");
  const fb::Message* m = (*message)->message;
  if (m->header_type() != fb::MessageHeader::Schema) {
    return make_error("IPC stream does not start with a schema message");
  }
  const fb::Schema* schema = m->header_as_Schema();
  if (schema == nullptr) return make_error("schema message without a schema");
  RB_ASSIGN_OR_RETURN(auto parsed, ipc::schema_from_fb(*schema));
  reader.schema_ = std::move(parsed);
  return reader;
}

Result<std::optional<IpcStreamReader::Message>> IpcStreamReader::read_message() {
  const size_t size = bytes_.size();
  const size_t at = pos_;
  if (pos_ == size) return std::nullopt;  // end without marker: accepted, as Arrow does
  if (size - pos_ < 4) {
    return make_error("IPC stream truncated at byte " + std::to_string(at) +
                      ": incomplete message length");
  }
  uint32_t word = load_u32(bytes_.data() + pos_);
  pos_ += 4;
  if (word == kContinuation) {
    if (size - pos_ < 4) {
      return make_error("IPC stream truncated at byte " + std::to_string(at) +
                        ": incomplete message length");
    }
    word = load_u32(bytes_.data() + pos_);
    pos_ += 4;
  }
  const int32_t meta_length = static_cast<int32_t>(word);
  if (meta_length == 0) return std::nullopt;  // end-of-stream marker
  if (meta_length < 0) {
    return make_error("IPC message at byte " + std::to_string(at) + " has negative length " +
                      std::to_string(meta_length));
  }
  if (static_cast<size_t>(meta_length) > size - pos_) {
    return make_error("IPC stream truncated at byte " + std::to_string(at) + ": metadata of " +
                      std::to_string(meta_length) + " bytes but only " +
                      std::to_string(size - pos_) + " remain");
  }
  const uint8_t* meta = bytes_.data() + pos_;
  pos_ += static_cast<size_t>(meta_length);

  // flatbuffers reads scalars in place; give it 8-byte aligned memory.
  if (reinterpret_cast<uintptr_t>(meta) % 8 != 0) {
    aligned_metadata_.assign((static_cast<size_t>(meta_length) + 7) / 8, 0);
    std::memcpy(aligned_metadata_.data(), meta, static_cast<size_t>(meta_length));
    meta = reinterpret_cast<const uint8_t*>(aligned_metadata_.data());
  }
  flatbuffers::Verifier verifier(meta, static_cast<size_t>(meta_length));
  if (!fb::VerifyMessageBuffer(verifier)) {
    return make_error("IPC message at byte " + std::to_string(at) +
                      ": metadata is not a valid Arrow Message flatbuffer");
  }
  const fb::Message* message = fb::GetMessage(meta);
  if (message->version() < fb::MetadataVersion::V4 ||
      message->version() > fb::MetadataVersion::V5) {
    return make_error("IPC message at byte " + std::to_string(at) +
                      ": unsupported metadata version " +
                      std::to_string(static_cast<int>(message->version())));
  }
  const int64_t body_length = message->bodyLength();
  if (body_length < 0 || static_cast<uint64_t>(body_length) > size - pos_) {
    return make_error("IPC message at byte " + std::to_string(at) + ": body of " +
                      std::to_string(body_length) + " bytes but only " +
                      std::to_string(size - pos_) + " remain");
  }
  std::span<const uint8_t> body = bytes_.subspan(pos_, static_cast<size_t>(body_length));
  pos_ += static_cast<size_t>(body_length);
  return Message{message, body};
}

Result<std::optional<RecordBatch>> IpcStreamReader::next() {
  if (error_) return std::unexpected(*error_);
  if (done_) return std::nullopt;
  auto fail = [&](Error e) -> Result<std::optional<RecordBatch>> {
    error_ = e;
    return std::unexpected(std::move(e));
  };
  auto message = read_message();
  if (!message) return fail(message.error());
  if (!*message) {
    done_ = true;
    return std::nullopt;
  }
  const fb::Message* m = (*message)->message;
  switch (m->header_type()) {
    case fb::MessageHeader::RecordBatch: {
      const fb::RecordBatch* rb = m->header_as_RecordBatch();
      if (rb == nullptr) return fail(Error{"record batch message without a header"});
      auto batch = decode_record_batch(rb, (*message)->body);
      if (!batch) return fail(batch.error());
      return std::optional<RecordBatch>(std::move(*batch));
    }
    case fb::MessageHeader::DictionaryBatch:
      return fail(Error{"IPC dictionary batches are not supported"});
    case fb::MessageHeader::Schema:
      return fail(Error{"IPC stream has a second schema message"});
    default:
      return fail(Error{"unsupported IPC message type " +
                        std::to_string(static_cast<int>(m->header_type()))});
  }
}

Result<RecordBatch> IpcStreamReader::decode_record_batch(const void* record_batch,
                                                         std::span<const uint8_t> body) {
  const auto& rb = *static_cast<const fb::RecordBatch*>(record_batch);
  std::optional<Compression> codec;
  if (const fb::BodyCompression* c = rb.compression(); c != nullptr) {
    if (c->method() != fb::BodyCompressionMethod::BUFFER) {
      return make_error("record batch uses an unknown body compression method");
    }
    switch (c->codec()) {
      case fb::CompressionType::LZ4_FRAME:
        codec = Compression::kLz4Frame;
        break;
      case fb::CompressionType::ZSTD:
        codec = Compression::kZstd;
        break;
      default:
        return make_error("record batch uses unknown compression codec " +
                          std::to_string(static_cast<int>(c->codec())));
    }
    if (!compression_available()) {
      return make_error("compressed IPC record batch (" + std::string(compression_name(*codec)) +
                        "), but this build has no codecs (a wasm guest): send it uncompressed");
    }
  }
  if (rb.variadicBufferCounts() != nullptr && rb.variadicBufferCounts()->size() != 0) {
    return make_error("record batch has variadic buffers, which no supported type uses");
  }
  const int64_t num_rows = rb.length();
  if (num_rows < 0) return make_error("record batch has negative length");

  const Schema& schema = *schema_;
  Counts expected;
  for (const Field& f : schema.fields()) add_counts(f.type, expected);
  const size_t num_nodes = rb.nodes() ? rb.nodes()->size() : 0;
  const size_t num_buffers = rb.buffers() ? rb.buffers()->size() : 0;
  if (num_nodes != expected.nodes) {
    return make_error("record batch has " + std::to_string(num_nodes) +
                      " field nodes, schema needs " + std::to_string(expected.nodes));
  }
  if (num_buffers != expected.buffers) {
    return make_error("record batch has " + std::to_string(num_buffers) +
                      " buffers, schema needs " + std::to_string(expected.buffers));
  }

  BatchDecoder decoder(rb, body, owner_, codec, options_.max_decompressed_batch_bytes);
  std::vector<Array> columns;
  columns.reserve(static_cast<size_t>(schema.num_fields()));
  size_t next_projected = 0;  // into *projection_
  for (int i = 0; i < schema.num_fields(); ++i) {
    const Field& f = schema.field(i);
    auto data = decoder.decode(f);  // every field: the buffers follow in order
    if (!data) return std::unexpected(data.error());
    if (projection_) {
      if (next_projected == projection_->size() || (*projection_)[next_projected] != i) continue;
      ++next_projected;
    }
    if (data->length != num_rows) {
      return make_error("field '" + f.name + "': node length " + std::to_string(data->length) +
                        " differs from the batch length " + std::to_string(num_rows));
    }
    Array column(std::move(*data));
    if (auto ok = column.validate(); !ok) {
      return make_error("field '" + f.name + "': " + ok.error().message);
    }
    columns.push_back(std::move(column));
  }
  return RecordBatch::make(batch_schema(), std::move(columns), num_rows);
}

Result<void> IpcStreamReader::project(std::vector<int> columns) {
  std::vector<Field> fields;
  for (size_t k = 0; k < columns.size(); ++k) {
    if (columns[k] < 0 || columns[k] >= schema_->num_fields() ||
        (k > 0 && columns[k] <= columns[k - 1])) {
      return make_error("projection column " + std::to_string(columns[k]) +
                        " is out of range or out of order");
    }
    fields.push_back(schema_->field(columns[k]));
  }
  projected_schema_ = make_schema(std::move(fields), schema_->metadata());
  projection_ = std::move(columns);
  return {};
}

Result<IpcStreamContents> read_ipc_stream(std::span<const uint8_t> bytes,
                                          std::shared_ptr<const void> owner,
                                          IpcReadOptions options) {
  RB_ASSIGN_OR_RETURN(auto reader, IpcStreamReader::open(bytes, std::move(owner), options));
  IpcStreamContents out;
  out.schema = reader.schema();
  while (true) {
    RB_ASSIGN_OR_RETURN(auto batch, reader.next());
    if (!batch) break;
    out.batches.push_back(std::move(*batch));
  }
  return out;
}

}  // namespace rapidbyte::arrow
