// numeric: decimal128(p, s) when the column declares a precision that fits
// (p <= 38), else utf8 with the exact text (NaN and infinities included).
#include <cstring>

#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/fixed_size_binary_array.hpp"
#include "portable/arrow/fixed_size_binary_builder.hpp"
#include "portable/base/try.hpp"
#include "portable/postgres/codec/codec_factories.hpp"
#include "portable/postgres/codec/numeric_text.hpp"
#include "portable/postgres/codec/type_oids.hpp"
#include "portable/postgres/codec/wire.hpp"

namespace rapidbyte::postgres::codecs {
namespace {

constexpr int32_t kMaxDecimal128Precision = 38;

class NumericTextCodec : public ValueCodec {
 public:
  NumericTextCodec() : ValueCodec(oid::kNumeric) {}
  arrow::Field field(std::string name) const override {
    return arrow::field(std::move(name), arrow::utf8());
  }
  Result<void> decode(std::span<const uint8_t> bytes, arrow::ArrayBuilder& b) const override {
    RB_ASSIGN_OR_RETURN(std::string text, numeric_binary_to_text(bytes));
    static_cast<arrow::BinaryBuilder&>(b).append(text);
    return {};
  }
  Result<void> encode(const arrow::Array& a, int64_t row,
                      std::vector<uint8_t>& out) const override {
    if (a.type().id() == arrow::TypeId::kDecimal128) {
      const std::span<const uint8_t> v = arrow::FixedSizeBinaryArray(a).value(row);
      __int128 unscaled;
      std::memcpy(&unscaled, v.data(), sizeof unscaled);
      return decimal128_to_numeric_binary(unscaled, a.type().scale(), out);
    }
    RB_ASSIGN_OR_RETURN(std::string_view text, wire::string_slot(a, row));
    return numeric_text_to_binary(text, out);
  }
};

class NumericDecimalCodec : public ValueCodec {
 public:
  NumericDecimalCodec(int32_t precision, int32_t scale)
      : ValueCodec(oid::kNumeric), precision_(precision), scale_(scale) {}
  arrow::Field field(std::string name) const override {
    return arrow::field(std::move(name), arrow::decimal128(precision_, scale_));
  }
  Result<void> decode(std::span<const uint8_t> bytes, arrow::ArrayBuilder& b) const override {
    RB_ASSIGN_OR_RETURN(__int128 unscaled, numeric_binary_to_decimal128(bytes, precision_, scale_));
    uint8_t le[16];
    std::memcpy(le, &unscaled, sizeof le);  // wasm32 and x86-64 are little-endian
    static_cast<arrow::FixedSizeBinaryBuilder&>(b).append(std::span<const uint8_t>(le, 16));
    return {};
  }
  Result<void> encode(const arrow::Array& a, int64_t row,
                      std::vector<uint8_t>& out) const override {
    return text_codec_.encode(a, row, out);
  }

 private:
  int32_t precision_;
  int32_t scale_;
  NumericTextCodec text_codec_;
};

}  // namespace

std::unique_ptr<ValueCodec> make_numeric(int32_t type_modifier) {
  // atttypmod = ((precision << 16) | scale) + 4; -1 when unconstrained.
  if (type_modifier >= 4) {
    const int32_t precision = ((type_modifier - 4) >> 16) & 0xffff;
    const int32_t scale = (type_modifier - 4) & 0xffff;
    // PostgreSQL 15 allows a negative scale or one above the precision
    // (stored as 11-bit two's complement); those stay text.
    if (precision >= 1 && precision <= kMaxDecimal128Precision && scale <= precision) {
      return std::make_unique<NumericDecimalCodec>(precision, scale);
    }
  }
  return std::make_unique<NumericTextCodec>();
}

}  // namespace rapidbyte::postgres::codecs
