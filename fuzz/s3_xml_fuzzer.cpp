// libFuzzer target for parse_xml, the reader of S3's XML responses: any
// input is a document or an error; a crash, an over-read (ASan) or runaway
// recursion is a bug. A document read is escaped and read again: its text
// must survive.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "portable/s3/xml_document.hpp"

using namespace rapidbyte::s3;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto xml = parse_xml(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!xml) return 0;
  auto again = parse_xml("<x>" + xml_escape(xml->text) + "</x>");
  if (!again || again->text != xml->text) __builtin_trap();
  return 0;
}
