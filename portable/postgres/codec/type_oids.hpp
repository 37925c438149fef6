// Object ids of the built-in PostgreSQL types the codecs know (pg_type.oid;
// fixed across PostgreSQL versions). Enum types have per-database OIDs and
// are registered at run time (see CodecOptions).
#pragma once

#include <cstdint>

namespace rapidbyte::postgres::oid {

inline constexpr uint32_t kBool = 16;
inline constexpr uint32_t kBytea = 17;
inline constexpr uint32_t kChar = 18;
inline constexpr uint32_t kName = 19;
inline constexpr uint32_t kInt8 = 20;
inline constexpr uint32_t kInt2 = 21;
inline constexpr uint32_t kInt4 = 23;
inline constexpr uint32_t kText = 25;
inline constexpr uint32_t kOid = 26;
inline constexpr uint32_t kJson = 114;
inline constexpr uint32_t kFloat4 = 700;
inline constexpr uint32_t kFloat8 = 701;
inline constexpr uint32_t kCidr = 650;
inline constexpr uint32_t kMoney = 790;
inline constexpr uint32_t kInet = 869;
inline constexpr uint32_t kBpchar = 1042;
inline constexpr uint32_t kVarchar = 1043;
inline constexpr uint32_t kDate = 1082;
inline constexpr uint32_t kTime = 1083;
inline constexpr uint32_t kTimestamp = 1114;
inline constexpr uint32_t kTimestamptz = 1184;
inline constexpr uint32_t kInterval = 1186;
inline constexpr uint32_t kTimetz = 1266;
inline constexpr uint32_t kNumeric = 1700;
inline constexpr uint32_t kUuid = 2950;
inline constexpr uint32_t kJsonb = 3802;

// The element type of a built-in one-dimensional array type, or 0 when
// `array_oid` is not one.
uint32_t array_element(uint32_t array_oid);
// The array type of a built-in element type, or 0.
uint32_t array_of(uint32_t element_oid);

}  // namespace rapidbyte::postgres::oid
