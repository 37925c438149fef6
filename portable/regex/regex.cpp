#include "portable/regex/regex.hpp"

#include "portable/base/try.hpp"
#include "portable/regex/compiler.hpp"
#include "portable/regex/lazy_dfa.hpp"
#include "portable/regex/parser.hpp"
#include "portable/regex/pike_vm.hpp"
#include "portable/regex/program.hpp"

namespace rapidbyte::regex {

std::expected<Regex, Error> Regex::compile(std::string_view pattern, Options options) {
  RB_ASSIGN_OR_RETURN(auto parsed, parse_pattern(pattern));
  RB_ASSIGN_OR_RETURN(auto program, compile_program(parsed, options));
  return Regex(std::string(pattern), std::make_shared<const Program>(std::move(program)));
}

bool Regex::search(std::string_view text) const {
  if (LazyDfa::supports(*program_)) return LazyDfa(*program_).search(text);
  return pike_search(*program_, text, /*start=*/0, /*want_groups=*/false).has_value();
}

std::optional<Match> Regex::find(std::string_view text, size_t start) const {
  auto slots = pike_search(*program_, text, start, /*want_groups=*/true);
  if (!slots) return std::nullopt;
  Match match;
  for (size_t g = 0; g + 1 < slots->size(); g += 2) {
    const int64_t begin = (*slots)[g];
    const int64_t end = (*slots)[g + 1];
    if (begin < 0 || end < begin) {
      match.groups.emplace_back(std::nullopt);
    } else {
      match.groups.emplace_back(
          text.substr(static_cast<size_t>(begin), static_cast<size_t>(end - begin)));
    }
  }
  return match;
}

size_t Regex::group_count() const {
  return program_->groups;
}

Matcher::Matcher(Regex regex) : regex_(std::move(regex)) {
  if (LazyDfa::supports(*regex_.program_)) dfa_ = std::make_unique<LazyDfa>(*regex_.program_);
}

Matcher::~Matcher() = default;
Matcher::Matcher(Matcher&&) noexcept = default;
Matcher& Matcher::operator=(Matcher&&) noexcept = default;

bool Matcher::search(std::string_view text) {
  if (dfa_) return dfa_->search(text);
  return regex_.search(text);
}

}  // namespace rapidbyte::regex
