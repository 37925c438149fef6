// Factories of the codec families, each in its own file; make_codec()
// (make_codec.cpp) dispatches to them. Internal to portable/postgres/codec.
#pragma once

#include <cstdint>
#include <memory>

#include "portable/postgres/codec/value_codec.hpp"

namespace rapidbyte::postgres::codecs {

// bool, int2/4/8, float4/8, oid, text-like (text, varchar, bpchar, name,
// "char", enums), bytea, uuid, json, jsonb; nullptr for other types.
std::unique_ptr<ValueCodec> make_scalar(uint32_t type_oid);
// A text codec for `type_oid` (enums: the wire format is the label).
std::unique_ptr<ValueCodec> make_text(uint32_t type_oid);
// numeric with an atttypmod (-1 when unconstrained).
std::unique_ptr<ValueCodec> make_numeric(int32_t type_modifier);
// date, time, timetz, timestamp, timestamptz, interval; nullptr otherwise.
std::unique_ptr<ValueCodec> make_temporal(uint32_t type_oid);
// inet, cidr; nullptr otherwise.
std::unique_ptr<ValueCodec> make_network(uint32_t type_oid);
// money as locale-free decimal text with `scale` fraction digits.
std::unique_ptr<ValueCodec> make_money(int32_t scale);
// One-dimensional arrays of `element`.
std::unique_ptr<ValueCodec> make_array(uint32_t array_oid, std::unique_ptr<ValueCodec> element);

}  // namespace rapidbyte::postgres::codecs
