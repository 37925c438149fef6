#include "portable/arrow/ipc_reader.hpp"

#include <cstring>
#include <limits>
#include <string>

#include "portable/arrow/bit_util.hpp"
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

std::string str(const flatbuffers::String* s) {
  return s ? s->str() : std::string();
}

KeyValueMetadata metadata_from_fb(
    const flatbuffers::Vector<flatbuffers::Offset<fb::KeyValue>>* entries) {
  KeyValueMetadata out;
  if (entries == nullptr) return out;
  std::vector<KeyValueMetadata::Entry> pairs;
  pairs.reserve(entries->size());
  for (const fb::KeyValue* kv : *entries) {
    if (kv == nullptr) continue;
    pairs.emplace_back(str(kv->key()), str(kv->value()));
  }
  return KeyValueMetadata(std::move(pairs));
}

Result<TimeUnit> unit_from_fb(fb::TimeUnit unit) {
  switch (unit) {
    case fb::TimeUnit::SECOND:
      return TimeUnit::kSecond;
    case fb::TimeUnit::MILLISECOND:
      return TimeUnit::kMilli;
    case fb::TimeUnit::MICROSECOND:
      return TimeUnit::kMicro;
    case fb::TimeUnit::NANOSECOND:
      return TimeUnit::kNano;
  }
  return make_error("unknown time unit " + std::to_string(static_cast<int>(unit)));
}

Result<DataType> type_from_fb(const fb::Field& field) {
  auto unsupported = [&](const std::string& what) -> Result<DataType> {
    return make_error("field '" + str(field.name()) + "': unsupported Arrow type " + what);
  };
  switch (field.type_type()) {
    case fb::Type::Null:
      return null();
    case fb::Type::Bool:
      return boolean();
    case fb::Type::Int: {
      const fb::Int* t = field.type_as_Int();
      if (t == nullptr) return unsupported("Int without parameters");
      switch (t->bitWidth()) {
        case 8:
          return t->is_signed() ? int8() : uint8();
        case 16:
          return t->is_signed() ? int16() : uint16();
        case 32:
          return t->is_signed() ? int32() : uint32();
        case 64:
          return t->is_signed() ? int64() : uint64();
        default:
          return unsupported("Int of " + std::to_string(t->bitWidth()) + " bits");
      }
    }
    case fb::Type::FloatingPoint: {
      const fb::FloatingPoint* t = field.type_as_FloatingPoint();
      if (t == nullptr) return unsupported("FloatingPoint without parameters");
      if (t->precision() == fb::Precision::SINGLE) return float32();
      if (t->precision() == fb::Precision::DOUBLE) return float64();
      return unsupported("FloatingPoint of half precision");
    }
    case fb::Type::Utf8:
      return utf8();
    case fb::Type::Binary:
      return binary();
    case fb::Type::FixedSizeBinary: {
      const fb::FixedSizeBinary* t = field.type_as_FixedSizeBinary();
      if (t == nullptr || t->byteWidth() < 0) return unsupported("FixedSizeBinary of bad width");
      return fixed_size_binary(t->byteWidth());
    }
    case fb::Type::Date: {
      const fb::Date* t = field.type_as_Date();
      if (t != nullptr && t->unit() == fb::DateUnit::DAY) return date32();
      return unsupported("Date in milliseconds (date64)");
    }
    case fb::Type::Timestamp: {
      const fb::Timestamp* t = field.type_as_Timestamp();
      if (t == nullptr) return unsupported("Timestamp without parameters");
      auto unit = unit_from_fb(t->unit());
      if (!unit) return std::unexpected(unit.error());
      return timestamp(*unit, str(t->timezone()));
    }
    case fb::Type::Decimal: {
      const fb::Decimal* t = field.type_as_Decimal();
      if (t == nullptr || t->bitWidth() != 128) return unsupported("Decimal other than 128-bit");
      if (t->precision() < 1 || t->precision() > 38 || t->scale() > t->precision()) {
        return unsupported("decimal128(" + std::to_string(t->precision()) + ", " +
                           std::to_string(t->scale()) + ")");
      }
      return decimal128(t->precision(), t->scale());
    }
    default: {
      const char* name = fb::EnumNameType(field.type_type());
      return unsupported(name != nullptr && *name != '\0'
                             ? std::string(name)
                             : "#" + std::to_string(static_cast<int>(field.type_type())));
    }
  }
}

Result<std::shared_ptr<const Schema>> schema_from_fb(const fb::Schema& schema) {
  if (schema.endianness() != fb::Endianness::Little) {
    return make_error("big-endian IPC streams are not supported");
  }
  std::vector<Field> fields;
  if (schema.fields() != nullptr) {
    fields.reserve(schema.fields()->size());
    for (const fb::Field* f : *schema.fields()) {
      if (f == nullptr) return make_error("schema has a missing field");
      if (f->dictionary() != nullptr) {
        return make_error("field '" + str(f->name()) +
                          "': dictionary-encoded fields are not supported");
      }
      if (f->children() != nullptr && f->children()->size() != 0) {
        return make_error("field '" + str(f->name()) + "': nested types are not supported");
      }
      auto type = type_from_fb(*f);
      if (!type) return std::unexpected(type.error());
      fields.push_back(field(str(f->name()), std::move(*type), f->nullable(),
                             metadata_from_fb(f->custom_metadata())));
    }
  }
  return std::make_shared<const Schema>(std::move(fields),
                                        metadata_from_fb(schema.custom_metadata()));
}

// Number of body buffers an array of `type` has in IPC.
int buffer_count(const DataType& type) {
  switch (type.layout()) {
    case Layout::kNull:
      return 0;
    case Layout::kBitmap:
    case Layout::kFixedWidth:
      return 2;
    case Layout::kVarBinary:
      return 3;
  }
  return 0;
}

}  // namespace

Result<IpcStreamReader> IpcStreamReader::open(std::span<const uint8_t> bytes,
                                              std::shared_ptr<const void> owner) {
  IpcStreamReader reader(bytes, std::move(owner));
  auto message = reader.read_message();
  if (!message) return std::unexpected(message.error());
  if (!*message) return make_error("IPC stream is empty: no schema message");
  const fb::Message* m = (*message)->message;
  if (m->header_type() != fb::MessageHeader::Schema) {
    return make_error("IPC stream does not start with a schema message");
  }
  const fb::Schema* schema = m->header_as_Schema();
  if (schema == nullptr) return make_error("schema message without a schema");
  auto parsed = schema_from_fb(*schema);
  if (!parsed) return std::unexpected(parsed.error());
  reader.schema_ = std::move(*parsed);
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
  if (rb.compression() != nullptr) {
    return make_error("compressed IPC record batches are not supported");
  }
  if (rb.variadicBufferCounts() != nullptr && rb.variadicBufferCounts()->size() != 0) {
    return make_error("record batch has variadic buffers, which no supported type uses");
  }
  const int64_t num_rows = rb.length();
  if (num_rows < 0) return make_error("record batch has negative length");

  const Schema& schema = *schema_;
  const size_t num_fields = static_cast<size_t>(schema.num_fields());
  size_t expected_buffers = 0;
  for (const Field& f : schema.fields()) expected_buffers += buffer_count(f.type);
  const size_t num_nodes = rb.nodes() ? rb.nodes()->size() : 0;
  const size_t num_buffers = rb.buffers() ? rb.buffers()->size() : 0;
  if (num_nodes != num_fields) {
    return make_error("record batch has " + std::to_string(num_nodes) +
                      " field nodes, schema has " + std::to_string(num_fields) + " fields");
  }
  if (num_buffers != expected_buffers) {
    return make_error("record batch has " + std::to_string(num_buffers) +
                      " buffers, schema needs " + std::to_string(expected_buffers));
  }

  const int64_t body_size = static_cast<int64_t>(body.size());
  size_t next_buffer = 0;
  auto take_buffer = [&](const Field& f) -> Result<Buffer> {
    const fb::Buffer* b = rb.buffers()->Get(static_cast<flatbuffers::uoffset_t>(next_buffer));
    const size_t index = next_buffer++;
    const int64_t offset = b->offset();
    const int64_t length = b->length();
    if (offset < 0 || length < 0 || offset > body_size || length > body_size - offset) {
      return make_error("field '" + f.name + "': buffer " + std::to_string(index) + " (offset " +
                        std::to_string(offset) + ", length " + std::to_string(length) +
                        ") lies outside the " + std::to_string(body_size) + "-byte message body");
    }
    return Buffer(body.subspan(static_cast<size_t>(offset), static_cast<size_t>(length)), owner_);
  };

  std::vector<Array> columns;
  columns.reserve(num_fields);
  for (size_t i = 0; i < num_fields; ++i) {
    const Field& f = schema.field(static_cast<int>(i));
    const fb::FieldNode* node = rb.nodes()->Get(static_cast<flatbuffers::uoffset_t>(i));
    if (node->length() != num_rows) {
      return make_error("field '" + f.name + "': node length " + std::to_string(node->length()) +
                        " differs from the batch length " + std::to_string(num_rows));
    }
    ArrayData data;
    data.type = f.type;
    data.length = node->length();
    data.null_count = node->null_count();
    if (data.null_count < 0 || data.null_count > data.length) {
      return make_error("field '" + f.name + "': null count " + std::to_string(data.null_count) +
                        " outside [0, " + std::to_string(data.length) + "]");
    }
    if (f.type.layout() == Layout::kNull) {
      data.null_count = data.length;
    } else {
      auto validity = take_buffer(f);
      if (!validity) return std::unexpected(validity.error());
      auto values = take_buffer(f);
      if (!values) return std::unexpected(values.error());
      if (data.null_count > 0) data.validity = std::move(*validity);
      data.values = std::move(*values);
      if (f.type.layout() == Layout::kVarBinary) {
        auto chars = take_buffer(f);
        if (!chars) return std::unexpected(chars.error());
        data.data = std::move(*chars);
      }
    }
    Array column(std::move(data));
    if (auto ok = column.validate(); !ok) {
      return make_error("field '" + f.name + "': " + ok.error().message);
    }
    columns.push_back(std::move(column));
  }
  return RecordBatch::make(schema_, std::move(columns), num_rows);
}

Result<IpcStreamContents> read_ipc_stream(std::span<const uint8_t> bytes,
                                          std::shared_ptr<const void> owner) {
  auto reader = IpcStreamReader::open(bytes, std::move(owner));
  if (!reader) return std::unexpected(reader.error());
  IpcStreamContents out;
  out.schema = reader->schema();
  while (true) {
    auto batch = reader->next();
    if (!batch) return std::unexpected(batch.error());
    if (!*batch) break;
    out.batches.push_back(std::move(**batch));
  }
  return out;
}

}  // namespace rapidbyte::arrow
