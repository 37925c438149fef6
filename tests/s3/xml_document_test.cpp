// parse_xml on the documents S3 sends, and every kind of malformed input
// refused with what was wrong; xml_escape round trips through it.
#include <gtest/gtest.h>

#include "portable/s3/xml_document.hpp"

namespace rapidbyte::s3 {
namespace {

TEST(XmlDocumentTest, ReadsAListingWithReferencesCdataAndComments) {
  const char* listing = R"(<?xml version="1.0" encoding="UTF-8"?>
<!-- a listing -->
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>lake</Name><IsTruncated>true</IsTruncated>
  <Contents><Key>a&amp;b&lt;c&gt;&quot;d&apos;&#233;&#x1F600;</Key><Size>12</Size>
    <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag></Contents>
  <Contents><Key><![CDATA[x<y]]></Key><Size>0</Size><Empty/></Contents>
  <NextContinuationToken>t1</NextContinuationToken>
</ListBucketResult>
)";
  auto xml = parse_xml(listing);
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_EQ(xml->name, "ListBucketResult");
  EXPECT_EQ(xml->child_text("IsTruncated"), "true");
  EXPECT_EQ(xml->child_text("NextContinuationToken"), "t1");
  std::vector<std::string> keys;
  for (const XmlElement& c : xml->children) {
    if (c.name == "Contents") keys.push_back(c.child_text("Key"));
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"a&b<c>\"d'\xc3\xa9\xf0\x9f\x98\x80", "x<y"}));
  EXPECT_EQ(xml->children[2].child_text("ETag"), "\"9b2cf535f27731c974343645a3985328\"");
  EXPECT_EQ(xml->child("Missing"), nullptr);
}

TEST(XmlDocumentTest, EscapedTextReadsBackAsItWas) {
  const std::string text = "<a & \"b\" 'c'>";
  auto xml = parse_xml("<T>" + xml_escape(text) + "</T>");
  ASSERT_TRUE(xml) << xml.error().message;
  EXPECT_EQ(xml->text, text);
}

TEST(XmlDocumentTest, MalformedDocumentsAreRefused) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "XML: no root element (at byte 0)"},
      {"<!DOCTYPE x [<!ENTITY a \"b\">]><x/>",
       "XML: a DOCTYPE or declaration, which S3 documents do not have (at byte 0)"},
      {"<a><b></a>", "XML: a closing tag that does not match <b> (at byte 9)"},
      {"<a>text", "XML: <a> is not closed (at byte 7)"},
      {"<a>&bogus;</a>", "XML: a reference to an unknown entity (at byte 10)"},
      {"<a>&#0;</a>", "XML: a character reference to no character (at byte 7)"},
      {"<a>&#xD800;</a>", "XML: a character reference to no character (at byte 11)"},
      {"<a x=1/>", "XML: an unquoted attribute value in <a> (at byte 5)"},
      {"<a/><b/>", "XML: content after the root element (at byte 4)"},
      {"<a><![CDATA[x</a>", "XML: an unterminated CDATA section (at byte 3)"},
      {"<>", "XML: a tag without a name (at byte 1)"},
  };
  for (const auto& [document, message] : cases) {
    auto xml = parse_xml(document);
    ASSERT_FALSE(xml) << document;
    EXPECT_EQ(xml.error().message, message) << document;
  }
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<a>";
  auto xml = parse_xml(deep);
  ASSERT_FALSE(xml);
  EXPECT_EQ(xml.error().message, "XML: elements nested deeper than 32 (at byte 96)");
}

}  // namespace
}  // namespace rapidbyte::s3
