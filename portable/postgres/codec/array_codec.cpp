// One-dimensional arrays as list<element>; NULL elements become null list
// items. Multi-dimensional arrays are a data error (no Arrow mapping yet);
// lower bounds other than 1 are not preserved.
#include "portable/arrow/list_array.hpp"
#include "portable/arrow/list_builder.hpp"
#include "portable/base/try.hpp"
#include "portable/postgres/byte_reader.hpp"
#include "portable/postgres/codec/codec_factories.hpp"
#include "portable/postgres/codec/wire.hpp"

namespace rapidbyte::postgres::codecs {
namespace {

class ArrayCodec : public ValueCodec {
 public:
  ArrayCodec(uint32_t array_oid, std::unique_ptr<ValueCodec> element)
      : ValueCodec(array_oid), element_(std::move(element)) {}

  arrow::Field field(std::string name) const override {
    return arrow::field(std::move(name), arrow::list(element_->field("item")));
  }

  Result<void> decode(std::span<const uint8_t> bytes, arrow::ArrayBuilder& b) const override {
    // Wire errors inside a value are data errors, like every codec's.
    Result<void> r = decode_array(bytes, static_cast<arrow::ListBuilder&>(b));
    if (!r && r.error().source == PgErrorSource::kProtocol) {
      return fail(data_error("malformed binary array value"));
    }
    return r;
  }

  Result<void> encode(const arrow::Array& a, int64_t row,
                      std::vector<uint8_t>& out) const override {
    if (a.type().id() != arrow::TypeId::kList) return fail(wire::cannot_encode(a, "array"));
    const arrow::Array items = arrow::ListArray(a).value(row);
    const int32_t n = static_cast<int32_t>(items.length());
    wire::append_be(out, n == 0 ? int32_t{0} : int32_t{1});         // dimensions
    wire::append_be(out, int32_t{items.null_count() > 0 ? 1 : 0});  // has nulls
    wire::append_be(out, element_->type_oid());
    if (n > 0) {
      wire::append_be(out, n);
      wire::append_be(out, int32_t{1});  // lower bound
    }
    for (int64_t i = 0; i < items.length(); ++i) {
      if (items.is_null(i)) {
        wire::append_be(out, int32_t{-1});
        continue;
      }
      const size_t at = out.size();
      wire::append_be(out, int32_t{0});
      RB_TRY(element_->encode(items, i, out));
      const auto len = static_cast<uint32_t>(out.size() - at - 4);
      for (int k = 0; k < 4; ++k) out[at + k] = static_cast<uint8_t>(len >> (24 - 8 * k));
    }
    return {};
  }

 private:
  Result<void> decode_array(std::span<const uint8_t> bytes, arrow::ListBuilder& list) const {
    ByteReader r(bytes);
    RB_ASSIGN_OR_RETURN(int32_t ndim, r.i32());
    RB_ASSIGN_OR_RETURN([[maybe_unused]] int32_t has_nulls, r.i32());
    RB_ASSIGN_OR_RETURN(uint32_t element_oid, r.u32());
    if (element_oid != element_->type_oid()) {
      return fail(data_error("array element type " + std::to_string(element_oid) +
                             " differs from the column's"));
    }
    if (ndim < 0 || ndim > 1) {
      return fail(data_error("multi-dimensional arrays are not supported"));
    }
    int32_t count = 0;
    if (ndim == 1) {
      RB_ASSIGN_OR_RETURN(count, r.i32());
      RB_ASSIGN_OR_RETURN([[maybe_unused]] int32_t lower_bound, r.i32());
      // Each element takes at least its 4-byte length word.
      if (count < 0 || static_cast<size_t>(count) > r.remaining() / 4) {
        return fail(data_error("array element count exceeds the value"));
      }
    }
    list.append();
    arrow::ArrayBuilder& items = list.value_builder();
    for (int32_t i = 0; i < count; ++i) {
      RB_ASSIGN_OR_RETURN(int32_t len, r.i32());
      if (len == -1) {
        items.append_null();
        continue;
      }
      if (len < 0) return fail(data_error("negative array element length"));
      RB_ASSIGN_OR_RETURN(std::span<const uint8_t> value, r.bytes(static_cast<size_t>(len)));
      RB_TRY(element_->decode(value, items));
    }
    if (!r.at_end()) return fail(data_error("trailing bytes in array value"));
    return {};
  }

  std::unique_ptr<ValueCodec> element_;
};

}  // namespace

std::unique_ptr<ValueCodec> make_array(uint32_t array_oid, std::unique_ptr<ValueCodec> element) {
  return std::make_unique<ArrayCodec>(array_oid, std::move(element));
}

}  // namespace rapidbyte::postgres::codecs
