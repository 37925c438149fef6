// The portable regex engine: matching semantics, capture groups, UTF-8,
// linear time on patterns that defeat backtracking matchers, and exact
// pattern errors with their positions.
#include "portable/regex/regex.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rapidbyte::regex {
namespace {

bool matches(std::string_view pattern, std::string_view text, Options options = {}) {
  auto re = Regex::compile(pattern, options);
  EXPECT_TRUE(re) << pattern << ": " << re.error().message;
  return re && re->search(text);
}

std::string error_of(std::string_view pattern) {
  auto re = Regex::compile(pattern);
  if (re) return "compiled";
  return re.error().message + " at " + std::to_string(re.error().position);
}

TEST(RegexTest, SearchSemantics) {
  EXPECT_TRUE(matches("abc", "xxabcxx"));
  EXPECT_FALSE(matches("^abc", "xxabc"));
  EXPECT_TRUE(matches("^abc$", "abc"));
  EXPECT_FALSE(matches("^abc$", "abcd"));
  EXPECT_TRUE(matches("a.c", "abc"));
  EXPECT_FALSE(matches("a.c", "a\nc"));
  EXPECT_TRUE(matches("colou?r", "color"));
  EXPECT_TRUE(matches("colou?r", "colour"));
  EXPECT_TRUE(matches("^(cat|dog)s?$", "dogs"));
  EXPECT_FALSE(matches("^(cat|dog)s?$", "cow"));
  EXPECT_TRUE(matches("^a{3}$", "aaa"));
  EXPECT_FALSE(matches("^a{3}$", "aa"));
  EXPECT_TRUE(matches("^a{2,}$", "aaaaa"));
  EXPECT_TRUE(matches("^a{2,3}$", "aaa"));
  EXPECT_FALSE(matches("^a{2,3}$", "aaaa"));
  EXPECT_TRUE(matches("^x{$", "x{"));  // a brace that is not a count is a literal
  EXPECT_TRUE(matches("", "anything"));
  EXPECT_TRUE(matches("^$", ""));
  EXPECT_TRUE(matches("^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$", "j.doe+x@mail.example.org"));
  EXPECT_FALSE(matches("^[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}$", "not an email"));
}

TEST(RegexTest, ClassesAndEscapes) {
  EXPECT_TRUE(matches("^\\d+$", "0123"));
  EXPECT_FALSE(matches("^\\d+$", "12a"));
  EXPECT_TRUE(matches("^\\w+\\s\\W$", "ab_9 !"));
  EXPECT_TRUE(matches("^[^0-9]+$", "abc"));
  EXPECT_FALSE(matches("^[^0-9]+$", "ab1"));
  EXPECT_TRUE(matches("^[\\d,]+$", "1,2,3"));
  EXPECT_TRUE(matches("^[]a]+$", "]a]"));  // ']' first in a class is literal
  EXPECT_TRUE(matches("^[a-]+$", "a-a"));
  EXPECT_TRUE(matches("^\\.\\*\\\\$", ".*\\"));
  EXPECT_TRUE(matches("\\bword\\b", "a word here"));
  EXPECT_FALSE(matches("\\bword\\b", "swordfish"));
  EXPECT_TRUE(matches("\\Bor\\B", "word"));
  EXPECT_TRUE(matches("^\\t\\n$", "\t\n"));
}

TEST(RegexTest, CaseInsensitive) {
  EXPECT_TRUE(matches("^hello [a-c]$", "HeLLo B", Options{.case_insensitive = true}));
  EXPECT_TRUE(matches("(?i)^hello$", "HELLO"));
  EXPECT_FALSE(matches("^hello$", "HELLO"));
  EXPECT_FALSE(matches("(?i)^[^a]$", "A"));
}

TEST(RegexTest, Utf8CodePoints) {
  EXPECT_TRUE(matches("^.{5}$", "héllo"));  // 5 code points, 6 bytes
  EXPECT_TRUE(matches("^[à-ÿ]+$", "éèü"));
  EXPECT_TRUE(matches("^日本$", "日本"));
  EXPECT_TRUE(matches("^.$", "\xF0\x9F\x98\x80"));  // one 4-byte code point
  EXPECT_TRUE(matches("^..$", "\xFF\xFE"));         // invalid bytes read one by one
}

TEST(RegexTest, FindReturnsLeftmostFirstGroups) {
  auto re = Regex::compile("(\\w+)@(\\w+)\\.com");
  ASSERT_TRUE(re);
  EXPECT_EQ(re->group_count(), 2u);
  auto m = re->find("mail: alice@example.com, bob@x.com");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->groups.size(), 3u);
  EXPECT_EQ(*m->groups[0], "alice@example.com");
  EXPECT_EQ(*m->groups[1], "alice");
  EXPECT_EQ(*m->groups[2], "example");

  // Greedy vs lazy, and an alternative that did not take part.
  EXPECT_EQ(*Regex::compile("<(.+)>")->find("<a><b>")->groups[1], "a><b");
  EXPECT_EQ(*Regex::compile("<(.+?)>")->find("<a><b>")->groups[1], "a");
  auto alt = Regex::compile("(a)|(b)")->find("b");
  ASSERT_TRUE(alt);
  EXPECT_FALSE(alt->groups[1].has_value());
  EXPECT_EQ(*alt->groups[2], "b");
  // Leftmost-first: the first alternative wins even when a later one is longer.
  EXPECT_EQ(*Regex::compile("a|ab")->find("ab")->groups[0], "a");
  EXPECT_FALSE(Regex::compile("x+")->find("abc").has_value());
}

TEST(RegexTest, FindFromAnOffsetKeepsAnchorsOfTheWholeText) {
  const std::string text = "ab ab";
  auto anchored = Regex::compile("^ab");
  ASSERT_TRUE(anchored);
  EXPECT_TRUE(anchored->find(text, 0).has_value());
  EXPECT_FALSE(anchored->find(text, 1).has_value());  // ^ is the start of the text only
  // \b looks at the character before the offset: no boundary inside "xab".
  auto word = Regex::compile("\\bab");
  ASSERT_TRUE(word);
  EXPECT_FALSE(word->find("xab", 1).has_value());
  EXPECT_TRUE(word->find("x ab", 2).has_value());
  auto later = Regex::compile("ab")->find(text, 1);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->groups[0]->data() - text.data(), 3);
  EXPECT_TRUE(Regex::compile("$")->find(text, text.size()).has_value());
}

TEST(RegexTest, PathologicalPatternsRunInLinearTime) {
  // Exponential for a backtracking matcher; one pass here.
  const std::string text(5000, 'a');
  EXPECT_FALSE(matches("^(a*)*b$", text));
  EXPECT_FALSE(matches("^(a|a)*b$", text));
  EXPECT_TRUE(matches("^(a|aa)+$", text));
  // Empty loops terminate.
  EXPECT_TRUE(matches("^(a*)*$", text));
  EXPECT_TRUE(matches("^(|a)+$", "aaa"));
  // A long input does not recurse.
  EXPECT_TRUE(matches("^[a-z]*$", std::string(1 << 20, 'q')));
}

TEST(RegexTest, PatternErrorsNameWhatAndWhere) {
  EXPECT_EQ(error_of("(ab"), "missing ')' for the group opened here at 0");
  EXPECT_EQ(error_of("ab)"), "unmatched ')' at 2");
  EXPECT_EQ(error_of("x[ab"), "missing ']' for the class opened here at 1");
  EXPECT_EQ(error_of("*a"), "nothing to repeat before '*' at 0");
  EXPECT_EQ(error_of("a|+"), "nothing to repeat before '+' at 2");
  EXPECT_EQ(error_of("^*"), "nothing to repeat before '*' at 1");
  EXPECT_EQ(error_of("a**"), "nested quantifier '*' at 2");
  EXPECT_EQ(error_of("ab\\"), "trailing backslash at 2");
  EXPECT_EQ(error_of("\\q"), "unsupported escape '\\q' at 0");
  EXPECT_EQ(error_of("[z-a]"), "class range out of order at 1");
  EXPECT_EQ(error_of("[\\D]"), "negated shorthand '\\D' inside a class at 1");
  EXPECT_EQ(error_of("a{3,1}"), "repetition {3,1} has max below min at 1");
  EXPECT_EQ(error_of("a{1001}"), "repetition count above 1000 at 1");
  EXPECT_EQ(error_of("(?=x)"),
            "unsupported group syntax '(?' (only '(?:' and a leading '(?i)') at 0");
  EXPECT_EQ(error_of("(a{1000}){1000}"),
            "pattern too large: compiles to more than 20000 instructions at 0");
}

// search() runs a lazily built DFA, find() the Pike VM: on every pattern and
// text they must agree, and a Matcher (DFA kept across searches) with them.
TEST(RegexTest, DfaAndPikeVmAgree) {
  const char* patterns[] = {
      "abc",      "^abc",          "abc$",        "^$",        "$",     "^",        "a*",
      "^a+b?$",   "(a|ab)(c|bcd)", "x|^y",        "y$|^x",     "[^a]b", "^(ab)*$",  "é.$",
      "^.{2,3}$", "(?i)AbC",       "\\d{2}-\\d+", "^[a-c]*c$", "a{0}b", "(^a|b$)c?"};
  const char* texts[] = {"",     "a",  "abc",  "xabc", "abcx", "ab",  "abcd", "y",   "xy",
                         "yx",   "bb", "ab",   "abab", "aba",  "héé", "é",    "ABC", "12-345",
                         "x12-", "cc", "acbc", "b",    "bc",   "ac",  "aaaab"};
  for (const char* p : patterns) {
    auto re = Regex::compile(p);
    ASSERT_TRUE(re) << p << ": " << re.error().message;
    Matcher matcher(*re);
    for (const char* t : texts) {
      const bool pike = re->find(t).has_value();
      EXPECT_EQ(re->search(t), pike) << "pattern " << p << " text '" << t << "'";
      EXPECT_EQ(matcher.search(t), pike) << "pattern " << p << " text '" << t << "' (matcher)";
    }
  }
}

TEST(RegexTest, MatcherStaysCorrectWhenItsCacheIsFlushed) {
  // Many distinct DFA states: (a|b)*a(a|b){12} needs 2^13 of them, more than kMaxStates.
  auto re = Regex::compile("^(a|b)*a(a|b){12}$");
  ASSERT_TRUE(re);
  Matcher matcher(*re);
  std::string text;
  uint32_t x = 12345;
  for (int i = 0; i < 20000; ++i) {
    x = x * 1103515245 + 12345;
    text += (x >> 16) & 1 ? 'a' : 'b';
  }
  for (size_t end = 13; end < text.size(); end += 997) {
    const std::string_view t(text.data(), end);
    EXPECT_EQ(matcher.search(t), t[t.size() - 13] == 'a') << end;
  }
}

}  // namespace
}  // namespace rapidbyte::regex
