#include "portable/postgres/codec/type_oids.hpp"

#include <array>
#include <utility>

namespace rapidbyte::postgres::oid {
namespace {

// (array type, element type) from pg_type.typarray.
constexpr std::array<std::pair<uint32_t, uint32_t>, 25> kArrays = {{
    {1000, kBool},     {1001, kBytea},  {1002, kChar},    {1003, kName},      {1016, kInt8},
    {1005, kInt2},     {1007, kInt4},   {1009, kText},    {1028, kOid},       {199, kJson},
    {1021, kFloat4},   {1022, kFloat8}, {651, kCidr},     {1041, kInet},      {1014, kBpchar},
    {1015, kVarchar},  {1182, kDate},   {1183, kTime},    {1115, kTimestamp}, {1185, kTimestamptz},
    {1187, kInterval}, {1270, kTimetz}, {1231, kNumeric}, {2951, kUuid},      {3807, kJsonb},
}};

}  // namespace

uint32_t array_element(uint32_t array_oid) {
  for (const auto& [array, element] : kArrays) {
    if (array == array_oid) return element;
  }
  return 0;
}

uint32_t array_of(uint32_t element_oid) {
  for (const auto& [array, element] : kArrays) {
    if (element == element_oid) return array;
  }
  return 0;
}

}  // namespace rapidbyte::postgres::oid
