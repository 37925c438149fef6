#include "portable/s3/xml_document.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>

namespace rapidbyte::s3 {
namespace {

bool name_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == '_' || c == '-' || c == '.' || c == ':' || u >= 0x80;
}

bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void append_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  Result<XmlElement> document() {
    if (auto skipped = skip_misc(); !skipped) return std::unexpected(skipped.error());
    if (!at("<")) return error("no root element");
    XmlElement root;
    if (auto parsed = element(root, 1); !parsed) return std::unexpected(parsed.error());
    if (auto skipped = skip_misc(); !skipped) return std::unexpected(skipped.error());
    if (pos_ != in_.size()) return error("content after the root element");
    return root;
  }

 private:
  std::unexpected<Error> error(std::string_view what) const {
    return std::unexpected(
        Error{"XML: " + std::string(what) + " (at byte " + std::to_string(pos_) + ")"});
  }
  bool at(std::string_view s) const { return in_.substr(pos_).starts_with(s); }
  // Moves past the next `end`; false when there is none.
  bool skip_past(std::string_view end) {
    const size_t found = in_.find(end, pos_);
    if (found == std::string_view::npos) return false;
    pos_ = found + end.size();
    return true;
  }

  void skip_blanks() {
    while (pos_ < in_.size() && blank(in_[pos_])) ++pos_;
  }

  // A comment or processing instruction at pos_, skipped; false when
  // there is none there.
  Result<bool> skip_comment_or_instruction() {
    if (at("<?")) {
      if (!skip_past("?>")) return error("an unterminated processing instruction");
      return true;
    }
    if (at("<!--")) {
      if (!skip_past("-->")) return error("an unterminated comment");
      return true;
    }
    return false;
  }

  // Blanks, comments and processing instructions (the XML declaration).
  Result<void> skip_misc() {
    for (;;) {
      skip_blanks();
      auto skipped = skip_comment_or_instruction();
      if (!skipped) return std::unexpected(skipped.error());
      if (*skipped) continue;
      if (at("<!")) return error("a DOCTYPE or declaration, which S3 documents do not have");
      return {};
    }
  }

  std::string_view name() {
    const size_t start = pos_;
    while (pos_ < in_.size() && name_char(in_[pos_])) ++pos_;
    return in_.substr(start, pos_ - start);
  }

  // At '<' of a start tag.
  Result<void> element(XmlElement& out, int depth) {
    if (depth > kMaxXmlDepth) return error("elements nested deeper than 32");
    ++pos_;
    out.name = std::string(name());
    if (out.name.empty()) return error("a tag without a name");
    // Attributes: name="value" or name='value', skipped.
    for (;;) {
      skip_blanks();
      if (at("/>")) {
        pos_ += 2;
        return {};
      }
      if (at(">")) {
        ++pos_;
        break;
      }
      if (name().empty()) return error("a malformed attribute in <" + out.name + ">");
      skip_blanks();
      if (!at("=")) return error("an attribute without a value in <" + out.name + ">");
      ++pos_;
      skip_blanks();
      if (pos_ >= in_.size() || (in_[pos_] != '"' && in_[pos_] != '\'')) {
        return error("an unquoted attribute value in <" + out.name + ">");
      }
      const char quote = in_[pos_++];
      const size_t end = in_.find(quote, pos_);
      if (end == std::string_view::npos) return error("an unterminated attribute value");
      pos_ = end + 1;
    }
    // Content: text, references, CDATA, comments, child elements, then </name>.
    for (;;) {
      if (pos_ >= in_.size()) return error("<" + out.name + "> is not closed");
      const char c = in_[pos_];
      if (c == '&') {
        if (auto decoded = reference(out.text); !decoded) return decoded;
      } else if (c != '<') {
        out.text.push_back(c);
        ++pos_;
      } else if (at("</")) {
        pos_ += 2;
        if (name() != out.name)
          return error("a closing tag that does not match <" + out.name + ">");
        skip_blanks();
        if (!at(">")) return error("a malformed closing tag of <" + out.name + ">");
        ++pos_;
        return {};
      } else if (at("<![CDATA[")) {
        const size_t start = pos_ + 9;
        const size_t end = in_.find("]]>", start);
        if (end == std::string_view::npos) return error("an unterminated CDATA section");
        out.text.append(in_.substr(start, end - start));
        pos_ = end + 3;
      } else if (auto skipped = skip_comment_or_instruction(); !skipped) {
        return std::unexpected(skipped.error());
      } else if (*skipped) {
        continue;
      } else if (at("<!")) {
        return error("a declaration inside an element");
      } else {
        XmlElement child;
        if (auto parsed = element(child, depth + 1); !parsed) return parsed;
        out.children.push_back(std::move(child));
      }
    }
  }

  // At '&': a predefined or numeric character reference.
  Result<void> reference(std::string& out) {
    const size_t end = in_.find(';', pos_);
    if (end == std::string_view::npos || end - pos_ > 12) return error("a malformed reference");
    const std::string_view ref = in_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    if (ref == "lt")
      out.push_back('<');
    else if (ref == "gt")
      out.push_back('>');
    else if (ref == "amp")
      out.push_back('&');
    else if (ref == "quot")
      out.push_back('"');
    else if (ref == "apos")
      out.push_back('\'');
    else if (ref.starts_with('#')) {
      const bool hex = ref.size() > 1 && (ref[1] == 'x' || ref[1] == 'X');
      const std::string_view digits = ref.substr(hex ? 2 : 1);
      uint32_t cp = 0;
      const auto [p, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || cp == 0 ||
          cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return error("a character reference to no character");
      }
      append_utf8(cp, out);
    } else {
      return error("a reference to an unknown entity");
    }
    return {};
  }

  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

const XmlElement* XmlElement::child(std::string_view wanted) const {
  for (const XmlElement& c : children) {
    if (c.name == wanted) return &c;
  }
  return nullptr;
}

std::string XmlElement::child_text(std::string_view wanted) const {
  const XmlElement* c = child(wanted);
  return c ? c->text : std::string();
}

Result<XmlElement> parse_xml(std::string_view document) {
  return Parser(document).document();
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace rapidbyte::s3
