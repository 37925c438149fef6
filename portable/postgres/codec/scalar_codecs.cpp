// Codecs whose wire format is a fixed-width big-endian number or the raw
// bytes of the value.
#include <cmath>
#include <cstring>

#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/boolean_array.hpp"
#include "portable/arrow/boolean_builder.hpp"
#include "portable/arrow/extension_type.hpp"
#include "portable/arrow/fixed_size_binary_array.hpp"
#include "portable/arrow/fixed_size_binary_builder.hpp"
#include "portable/arrow/primitive_array.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/base/try.hpp"
#include "portable/postgres/codec/codec_factories.hpp"
#include "portable/postgres/codec/type_oids.hpp"
#include "portable/postgres/codec/wire.hpp"

namespace rapidbyte::postgres::codecs {
namespace {

// int2/int4/int8/float4/float8/oid: T on the wire and in Arrow.
template <class T>
class FixedWidthCodec : public ValueCodec {
 public:
  FixedWidthCodec(uint32_t oid, const char* name) : ValueCodec(oid), name_(name) {}

  arrow::Field field(std::string name) const override {
    return arrow::field(std::move(name), arrow::default_type_for<T>());
  }
  Result<void> decode(std::span<const uint8_t> bytes, arrow::ArrayBuilder& b) const override {
    return decode_value(bytes, static_cast<Builder&>(b));
  }
  Result<void> decode_column(std::span<const FieldRef> fields,
                             arrow::ArrayBuilder& b) const override {
    return wire::decode_fields<Builder>(fields, b,
                                        [this](std::span<const uint8_t> bytes, Builder& typed) {
                                          return decode_value(bytes, typed);
                                        });
  }
  Result<void> encode(const arrow::Array& a, int64_t row,
                      std::vector<uint8_t>& out) const override {
    if (!arrow::stores_as<T>(a.type().id())) return fail(wire::cannot_encode(a, name_));
    wire::append_be(out, arrow::PrimitiveArray<T>(a).value(row));
    return {};
  }
  Result<void> measure_column(const arrow::Array& a, int64_t begin, int64_t end,
                              std::span<int32_t> sizes, std::vector<uint8_t>&) const override {
    if (!arrow::stores_as<T>(a.type().id())) return fail(wire::cannot_encode(a, name_));
    wire::measure_fixed(a, begin, end, sizeof(T), sizes);
    return {};
  }
  void write_column(const arrow::Array& a, int64_t begin, int64_t end,
                    std::span<const int32_t> sizes, const std::vector<uint8_t>&, uint8_t* out,
                    std::span<size_t> cursors) const override {
    const arrow::PrimitiveArray<T> values(a);
    wire::write_fields(begin, end, sizes, out, cursors, [&](int64_t row, uint8_t* to, int32_t) {
      wire::store_be(to, values.value(row));
    });
  }

 private:
  using Builder = arrow::PrimitiveBuilder<T>;

  Result<void> decode_value(std::span<const uint8_t> bytes, Builder& b) const {
    RB_TRY(wire::expect_size(bytes, sizeof(T), name_));
    b.Builder::append(wire::load_be<T>(bytes.data()));
    return {};
  }

  const char* name_;
};

class BoolCodec : public ValueCodec {
 public:
  BoolCodec() : ValueCodec(oid::kBool) {}
  arrow::Field field(std::string name) const override {
    return arrow::field(std::move(name), arrow::boolean());
  }
  Result<void> decode(std::span<const uint8_t> bytes, arrow::ArrayBuilder& b) const override {
    return decode_value(bytes, static_cast<arrow::BooleanBuilder&>(b));
  }
  Result<void> decode_column(std::span<const FieldRef> fields,
                             arrow::ArrayBuilder& b) const override {
    return wire::decode_fields<arrow::BooleanBuilder>(fields, b, &BoolCodec::decode_value);
  }
  Result<void> encode(const arrow::Array& a, int64_t row,
                      std::vector<uint8_t>& out) const override {
    if (a.type().id() != arrow::TypeId::kBool) return fail(wire::cannot_encode(a, "bool"));
    out.push_back(arrow::BooleanArray(a).value(row) ? 1 : 0);
    return {};
  }
  Result<void> measure_column(const arrow::Array& a, int64_t begin, int64_t end,
                              std::span<int32_t> sizes, std::vector<uint8_t>&) const override {
    if (a.type().id() != arrow::TypeId::kBool) return fail(wire::cannot_encode(a, "bool"));
    wire::measure_fixed(a, begin, end, 1, sizes);
    return {};
  }
  void write_column(const arrow::Array& a, int64_t begin, int64_t end,
                    std::span<const int32_t> sizes, const std::vector<uint8_t>&, uint8_t* out,
                    std::span<size_t> cursors) const override {
    const arrow::BooleanArray values(a);
    wire::write_fields(begin, end, sizes, out, cursors,
                       [&](int64_t row, uint8_t* to, int32_t) { *to = values.value(row) ? 1 : 0; });
  }

 private:
  static Result<void> decode_value(std::span<const uint8_t> bytes, arrow::BooleanBuilder& b) {
    RB_TRY(wire::expect_size(bytes, 1, "bool"));
    b.append(bytes[0] != 0);
    return {};
  }
};

// Types whose binary format is their bytes: text-like types and enums
// (utf8), bytea (binary), json (utf8, arrow.json). jsonb adds a version byte.
class BytesCodec : public ValueCodec {
 public:
  enum class Kind { kText, kBytea, kJson, kJsonb };
  BytesCodec(uint32_t oid, Kind kind) : ValueCodec(oid), kind_(kind) {}

  arrow::Field field(std::string name) const override {
    switch (kind_) {
      case Kind::kBytea:
        return arrow::field(std::move(name), arrow::binary());
      case Kind::kJson:
      case Kind::kJsonb:
        return arrow::json_field(std::move(name));
      default:
        return arrow::field(std::move(name), arrow::utf8());
    }
  }
  Result<void> decode(std::span<const uint8_t> bytes, arrow::ArrayBuilder& b) const override {
    return decode_value(bytes, static_cast<arrow::BinaryBuilder&>(b));
  }
  Result<void> decode_column(std::span<const FieldRef> fields,
                             arrow::ArrayBuilder& b) const override {
    return wire::decode_fields<arrow::BinaryBuilder>(
        fields, b, [this](std::span<const uint8_t> bytes, arrow::BinaryBuilder& typed) {
          return decode_value(bytes, typed);
        });
  }
  Result<void> encode(const arrow::Array& a, int64_t row,
                      std::vector<uint8_t>& out) const override {
    RB_ASSIGN_OR_RETURN(std::string_view v, wire::string_slot(a, row));
    if (kind_ == Kind::kJsonb) out.push_back(1);
    wire::append_text(out, v);
    return {};
  }
  Result<void> measure_column(const arrow::Array& a, int64_t begin, int64_t end,
                              std::span<int32_t> sizes,
                              std::vector<uint8_t>& scratch) const override {
    if (a.type().layout() != arrow::Layout::kVarBinary) {
      // large_utf8 and large_binary: rare enough for the per-value route.
      return ValueCodec::measure_column(a, begin, end, sizes, scratch);
    }
    const arrow::BinaryArray values(a);
    const int32_t prefix = kind_ == Kind::kJsonb ? 1 : 0;
    const bool nullable = a.null_count() != 0;
    for (int64_t row = begin; row < end; ++row) {
      sizes[static_cast<size_t>(row - begin)] =
          nullable && a.is_null(row)
              ? -1
              : prefix + (values.value_offset(row + 1) - values.value_offset(row));
    }
    return {};
  }
  void write_column(const arrow::Array& a, int64_t begin, int64_t end,
                    std::span<const int32_t> sizes, const std::vector<uint8_t>& scratch,
                    uint8_t* out, std::span<size_t> cursors) const override {
    if (a.type().layout() != arrow::Layout::kVarBinary) {
      return ValueCodec::write_column(a, begin, end, sizes, scratch, out, cursors);
    }
    const arrow::BinaryArray values(a);
    const bool jsonb = kind_ == Kind::kJsonb;
    wire::write_fields(begin, end, sizes, out, cursors, [&](int64_t row, uint8_t* to, int32_t) {
      if (jsonb) *to++ = 1;
      const std::string_view v = values.value(row);
      std::memcpy(to, v.data(), v.size());
    });
  }

 private:
  Result<void> decode_value(std::span<const uint8_t> bytes, arrow::BinaryBuilder& b) const {
    if (kind_ == Kind::kJsonb) {
      if (bytes.empty() || bytes[0] != 1) return fail(data_error("unknown jsonb format version"));
      bytes = bytes.subspan(1);
    }
    b.append(bytes);
    return {};
  }

  Kind kind_;
};

class UuidCodec : public ValueCodec {
 public:
  UuidCodec() : ValueCodec(oid::kUuid) {}
  arrow::Field field(std::string name) const override { return arrow::uuid_field(std::move(name)); }
  Result<void> decode(std::span<const uint8_t> bytes, arrow::ArrayBuilder& b) const override {
    return decode_value(bytes, static_cast<arrow::FixedSizeBinaryBuilder&>(b));
  }
  Result<void> decode_column(std::span<const FieldRef> fields,
                             arrow::ArrayBuilder& b) const override {
    return wire::decode_fields<arrow::FixedSizeBinaryBuilder>(fields, b, &UuidCodec::decode_value);
  }
  Result<void> encode(const arrow::Array& a, int64_t row,
                      std::vector<uint8_t>& out) const override {
    if (a.type() != arrow::fixed_size_binary(16)) return fail(wire::cannot_encode(a, "uuid"));
    const std::span<const uint8_t> v = arrow::FixedSizeBinaryArray(a).value(row);
    out.insert(out.end(), v.begin(), v.end());
    return {};
  }
  Result<void> measure_column(const arrow::Array& a, int64_t begin, int64_t end,
                              std::span<int32_t> sizes, std::vector<uint8_t>&) const override {
    if (a.type() != arrow::fixed_size_binary(16)) return fail(wire::cannot_encode(a, "uuid"));
    wire::measure_fixed(a, begin, end, 16, sizes);
    return {};
  }
  void write_column(const arrow::Array& a, int64_t begin, int64_t end,
                    std::span<const int32_t> sizes, const std::vector<uint8_t>&, uint8_t* out,
                    std::span<size_t> cursors) const override {
    const arrow::FixedSizeBinaryArray values(a);
    wire::write_fields(begin, end, sizes, out, cursors, [&](int64_t row, uint8_t* to, int32_t) {
      std::memcpy(to, values.value(row).data(), 16);
    });
  }

 private:
  static Result<void> decode_value(std::span<const uint8_t> bytes,
                                   arrow::FixedSizeBinaryBuilder& b) {
    RB_TRY(wire::expect_size(bytes, 16, "uuid"));
    b.append(bytes);
    return {};
  }
};

}  // namespace

std::unique_ptr<ValueCodec> make_text(uint32_t type_oid) {
  return std::make_unique<BytesCodec>(type_oid, BytesCodec::Kind::kText);
}

std::unique_ptr<ValueCodec> make_scalar(uint32_t type_oid) {
  switch (type_oid) {
    case oid::kBool:
      return std::make_unique<BoolCodec>();
    case oid::kInt2:
      return std::make_unique<FixedWidthCodec<int16_t>>(type_oid, "int2");
    case oid::kInt4:
      return std::make_unique<FixedWidthCodec<int32_t>>(type_oid, "int4");
    case oid::kInt8:
      return std::make_unique<FixedWidthCodec<int64_t>>(type_oid, "int8");
    case oid::kOid:
      return std::make_unique<FixedWidthCodec<uint32_t>>(type_oid, "oid");
    case oid::kFloat4:
      return std::make_unique<FixedWidthCodec<float>>(type_oid, "float4");
    case oid::kFloat8:
      return std::make_unique<FixedWidthCodec<double>>(type_oid, "float8");
    case oid::kText:
    case oid::kVarchar:
    case oid::kBpchar:
    case oid::kName:
    case oid::kChar:
      return make_text(type_oid);
    case oid::kBytea:
      return std::make_unique<BytesCodec>(type_oid, BytesCodec::Kind::kBytea);
    case oid::kJson:
      return std::make_unique<BytesCodec>(type_oid, BytesCodec::Kind::kJson);
    case oid::kJsonb:
      return std::make_unique<BytesCodec>(type_oid, BytesCodec::Kind::kJsonb);
    case oid::kUuid:
      return std::make_unique<UuidCodec>();
    default:
      return nullptr;
  }
}

}  // namespace rapidbyte::postgres::codecs
