#include <algorithm>

#include "portable/postgres/codec/codec_factories.hpp"
#include "portable/postgres/codec/type_oids.hpp"
#include "portable/postgres/codec/value_codec.hpp"

namespace rapidbyte::postgres {
namespace {

std::unique_ptr<ValueCodec> make_element(uint32_t type_oid, int32_t type_modifier,
                                         const CodecOptions& options) {
  if (type_oid == oid::kNumeric) return codecs::make_numeric(type_modifier);
  if (auto c = codecs::make_scalar(type_oid)) return c;
  if (auto c = codecs::make_temporal(type_oid)) return c;
  if (auto c = codecs::make_network(type_oid)) return c;
  if (type_oid == oid::kMoney && options.money_scale)
    return codecs::make_money(*options.money_scale);
  if (std::find(options.enum_oids.begin(), options.enum_oids.end(), type_oid) !=
      options.enum_oids.end()) {
    return codecs::make_text(type_oid);
  }
  return nullptr;
}

}  // namespace

Result<std::unique_ptr<ValueCodec>> make_codec(const PgColumnType& column,
                                               const CodecOptions& options) {
  if (auto c = make_element(column.type_oid, column.type_modifier, options)) return c;
  uint32_t element_oid = oid::array_element(column.type_oid);
  for (const auto& [array, element] : options.array_types) {
    if (array == column.type_oid) element_oid = element;
  }
  if (element_oid != 0) {
    // An array column's typmod applies to its elements (numeric(10,2)[]).
    if (auto element = make_element(element_oid, column.type_modifier, options)) {
      return codecs::make_array(column.type_oid, std::move(element));
    }
  }
  return fail(
      data_error("no binary codec for PostgreSQL type oid " + std::to_string(column.type_oid)));
}

}  // namespace rapidbyte::postgres
