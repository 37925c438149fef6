// XmlDocument: the XML of S3 responses (ListBucketResult, Error, the
// multipart upload results) read into a small tree of elements and their
// text. Only what those documents use: elements, attributes (skipped),
// text with the predefined and numeric character references, CDATA,
// comments and processing instructions (skipped). A DOCTYPE is refused, so
// no entity is ever expanded; nesting and size are bounded by the caller's
// body limit and kMaxDepth. Untrusted input: every malformed document is
// an error, with a fuzzer. (No XML library builds for the guests here.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "portable/s3/s3_error.hpp"

namespace rapidbyte::s3 {

struct XmlElement {
  std::string name;  // as written, prefix included
  std::string text;  // the element's own text, references decoded
  std::vector<XmlElement> children;

  // The first child named `name`; nullptr when none.
  const XmlElement* child(std::string_view name) const;
  // The text of the first child named `name`; empty when none.
  std::string child_text(std::string_view name) const;
};

inline constexpr int kMaxXmlDepth = 32;

// The document's root element.
Result<XmlElement> parse_xml(std::string_view document);

// `text` with & < > " ' written as references, for element text.
std::string xml_escape(std::string_view text);

}  // namespace rapidbyte::s3
