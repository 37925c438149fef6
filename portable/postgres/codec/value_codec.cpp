// The per-value defaults of ValueCodec's column-at-a-time calls.
#include "portable/postgres/codec/value_codec.hpp"

#include <cstring>

#include "portable/base/try.hpp"
#include "portable/postgres/codec/wire.hpp"

namespace rapidbyte::postgres {

Result<void> ValueCodec::decode_column(std::span<const FieldRef> fields,
                                       arrow::ArrayBuilder& builder) const {
  for (const FieldRef& field : fields) {
    if (field.length < 0) {
      builder.append_null();
      continue;
    }
    RB_TRY(decode({field.data, static_cast<size_t>(field.length)}, builder));
  }
  return {};
}

Result<void> ValueCodec::measure_column(const arrow::Array& array, int64_t begin, int64_t end,
                                        std::span<int32_t> sizes,
                                        std::vector<uint8_t>& scratch) const {
  scratch.clear();
  for (int64_t row = begin; row < end; ++row) {
    int32_t& size = sizes[static_cast<size_t>(row - begin)];
    if (array.is_null(row)) {
      size = -1;
      continue;
    }
    const size_t at = scratch.size();
    RB_TRY(encode(array, row, scratch));
    size = static_cast<int32_t>(scratch.size() - at);
  }
  return {};
}

void ValueCodec::write_column(const arrow::Array& array, int64_t begin, int64_t end,
                              std::span<const int32_t> sizes, const std::vector<uint8_t>& scratch,
                              uint8_t* out, std::span<size_t> cursors) const {
  (void)array;
  const uint8_t* from = scratch.data();
  wire::write_fields(begin, end, sizes, out, cursors, [&](int64_t, uint8_t* to, int32_t size) {
    std::memcpy(to, from, static_cast<size_t>(size));
    from += size;
  });
}

}  // namespace rapidbyte::postgres
