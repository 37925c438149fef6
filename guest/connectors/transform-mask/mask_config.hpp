// MaskConfig: what transform-mask does to which column, parsed from its JSON
// config.
//
//   {"salt": "${MASK_SALT}",
//    "columns": {"email": {"method": "hash"},
//                "name":  {"method": "redact", "value": "[redacted]"},
//                "phone": {"method": "partial", "keep_first": 2, "keep_last": 2,
//                          "mask_char": "#"},
//                "ssn":   {"method": "null"}}}
//
// The salt is a secret: it is kept only to key the hash and never appears
// in an error or a log line. Parsing checks what needs no schema (a hash
// without a salt, a mask_char that is not one character); ColumnMasker::bind
// checks the methods against the column types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "guest/sdk/error.hpp"

namespace rapidbyte::connectors::mask {

enum class MaskMethod : uint8_t { kHash, kRedact, kPartial, kNull };

const char* method_name(MaskMethod method);

struct ColumnMask {
  std::string column;
  MaskMethod method = MaskMethod::kRedact;
  std::string value = "***";    // kRedact: the constant
  uint64_t keep_first = 0;      // kPartial: code points kept at the start
  uint64_t keep_last = 0;       // kPartial: code points kept at the end
  std::string mask_char = "*";  // kPartial: one code point
};

struct MaskConfig {
  std::string salt;  // secret; required by kHash
  std::vector<ColumnMask> columns;

  static sdk::Result<MaskConfig> parse(const rapidjson::Value& root);
};

}  // namespace rapidbyte::connectors::mask
