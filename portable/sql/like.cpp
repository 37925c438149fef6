#include "portable/sql/like.hpp"

#include <vector>

#include "portable/arrow/utf8.hpp"
#include "portable/sql/ascii.hpp"

namespace rapidbyte::sql {
namespace {}  // namespace

LikePattern::LikePattern(std::string_view pattern, bool case_insensitive, char escape)
    : icase_(case_insensitive) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == escape && escape != '\0' && i + 1 < pattern.size()) {
      c = pattern[++i];
    } else if (c == '%') {
      if (tokens_.empty() || tokens_.back().kind != Token::kAny)
        tokens_.push_back({Token::kAny, {}});
      continue;
    } else if (c == '_') {
      tokens_.push_back({Token::kOne, {}});
      continue;
    }
    if (icase_) c = ascii_lower(c);
    if (tokens_.empty() || tokens_.back().kind != Token::kLiteral)
      tokens_.push_back({Token::kLiteral, {}});
    tokens_.back().literal += c;
  }
  const size_t n = tokens_.size();
  auto lit = [&](size_t i) { return i < n && tokens_[i].kind == Token::kLiteral; };
  auto any = [&](size_t i) { return i < n && tokens_[i].kind == Token::kAny; };
  if (n == 1 && lit(0)) {
    shape_ = Shape::kExact, needle_ = tokens_[0].literal;
  } else if (n == 2 && lit(0) && any(1)) {
    shape_ = Shape::kPrefix, needle_ = tokens_[0].literal;
  } else if (n == 2 && any(0) && lit(1)) {
    shape_ = Shape::kSuffix, needle_ = tokens_[1].literal;
  } else if (n == 3 && any(0) && lit(1) && any(2)) {
    shape_ = Shape::kContains, needle_ = tokens_[1].literal;
  }
}

bool LikePattern::matches(std::string_view text) const {
  std::string folded;
  if (icase_) {
    folded.assign(text);
    for (char& c : folded) c = ascii_lower(c);
    text = folded;
  }
  switch (shape_) {
    case Shape::kExact:
      return text == needle_;
    case Shape::kPrefix:
      return text.starts_with(needle_);
    case Shape::kSuffix:
      return text.ends_with(needle_);
    case Shape::kContains:
      return text.find(needle_) != std::string_view::npos;
    case Shape::kGeneral:
      break;
  }
  // Greedy matching with a single backtrack point at the last %.
  size_t t = 0, k = 0;
  size_t star_k = SIZE_MAX, star_t = 0;
  while (true) {
    if (k < tokens_.size()) {
      const Token& tok = tokens_[k];
      if (tok.kind == Token::kAny) {
        star_k = k++;
        star_t = t;
        continue;
      }
      if (tok.kind == Token::kOne && t < text.size()) {
        t += arrow::code_point_length(static_cast<unsigned char>(text[t]));
        ++k;
        continue;
      }
      if (tok.kind == Token::kLiteral && text.substr(t).starts_with(tok.literal)) {
        t += tok.literal.size();
        ++k;
        continue;
      }
    } else if (t >= text.size()) {
      return true;
    }
    if (star_k == SIZE_MAX || star_t >= text.size()) return false;
    star_t += arrow::code_point_length(static_cast<unsigned char>(text[star_t]));
    t = star_t;
    k = star_k + 1;
  }
}

}  // namespace rapidbyte::sql
