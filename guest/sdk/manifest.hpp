// RAPIDBYTE_MANIFEST({...}): declares the connector's manifest, embedded in
// the module as the WebAssembly custom section `rapidbyte.manifest`.
//
// The host reads that section before the guest ever runs: it learns the
// connector's id and roles, checks its permissions (network, env,
// filesystem), and validates the pipeline's config against config_schema.
// Use it once per module, at namespace scope, with the JSON written directly
// as the macro argument (no quotes around it):
//
//   RAPIDBYTE_MANIFEST({
//     "id": "source-example", "version": "0.1.0", "protocol_version": 4,
//     "roles": ["source"], "description": "...",
//     "capabilities": {"sync_modes": ["full_refresh"], "write_modes": []},
//     "permissions": {"network": {"hosts": [], "hosts_from_config": ["host"]},
//                     "env": [], "filesystem": []},
//     "resources": {"memory_mb": 64},
//     "config_schema": {"type": "object", "properties": {}}
//   });
//
// Why a macro over tokens and inline assembly: clang places a variable with
// a section attribute in a data segment, never in a custom section, so the
// bytes must come from top-level assembly (`.section .custom_section.<name>`,
// which the object writer turns into a custom section and wasm-ld keeps
// whatever --gc-sections drops). The assembler needs the JSON as a quoted,
// escaped string; stringizing the tokens twice produces exactly that, for
// any JSON. The section holds the JSON text (whitespace between tokens
// collapsed), without a terminating NUL. The JSON's syntax is checked at
// compile time.
#pragma once

#include <cstddef>
#include <string_view>

namespace rapidbyte::sdk::detail {

// A strict JSON syntax check usable in constant expressions (no semantics:
// the host checks the fields). Returns whether `text` is one JSON object.
class JsonSyntax {
 public:
  static constexpr bool is_object(std::string_view text) {
    JsonSyntax p{text};
    p.skip_space();
    if (p.peek() != '{' || !p.value(0)) return false;
    p.skip_space();
    return p.pos_ == text.size();
  }

 private:
  static constexpr int kMaxDepth = 64;

  constexpr explicit JsonSyntax(std::string_view text) : text_(text) {}

  constexpr char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  constexpr bool eat(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  constexpr void skip_space() {
    while (peek() == ' ' || peek() == '\n' || peek() == '\t' || peek() == '\r') ++pos_;
  }
  constexpr bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  constexpr bool digits() {
    size_t start = pos_;
    while (peek() >= '0' && peek() <= '9') ++pos_;
    return pos_ > start;
  }
  constexpr bool number() {
    eat('-');
    if (!eat('0') && !digits()) return false;
    if (eat('.') && !digits()) return false;
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (!eat('+')) eat('-');
      if (!digits()) return false;
    }
    return true;
  }
  constexpr bool string() {
    if (!eat('"')) return false;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c == '\\') {
        char e = peek();
        ++pos_;
        if (e == 'u') {
          for (int i = 0; i < 4; ++i, ++pos_) {
            char h = peek();
            if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) {
              return false;
            }
          }
        } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return false;
        }
      }
    }
    return false;
  }
  // A comma-separated sequence of `item` between `open` and `close`.
  template <class Item>
  constexpr bool sequence(char open, char close, Item item) {
    if (!eat(open)) return false;
    skip_space();
    if (eat(close)) return true;
    for (;;) {
      skip_space();
      if (!item()) return false;
      skip_space();
      if (eat(close)) return true;
      if (!eat(',')) return false;
    }
  }
  constexpr bool value(int depth) {
    if (depth > kMaxDepth) return false;
    switch (peek()) {
      case '{':
        return sequence('{', '}', [&] {
          if (!string()) return false;
          skip_space();
          if (!eat(':')) return false;
          skip_space();
          return value(depth + 1);
        });
      case '[':
        return sequence('[', ']', [&] { return value(depth + 1); });
      case '"':
        return string();
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        return number();
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace rapidbyte::sdk::detail

// Macros inside the JSON are expanded before it is stringized, so
// connectors can share a fragment of their manifests (e.g. the connection
// properties of a config schema) through a #define of JSON tokens.
#define RAPIDBYTE_MANIFEST(...) \
  RAPIDBYTE_DETAIL_MANIFEST(RAPIDBYTE_DETAIL_STRINGIZE_ALL(__VA_ARGS__))
#define RAPIDBYTE_DETAIL_STRINGIZE_ALL(...) #__VA_ARGS__

#define RAPIDBYTE_DETAIL_STRINGIZE(x) #x
#define RAPIDBYTE_DETAIL_MANIFEST(json_literal)                                       \
  static_assert(::rapidbyte::sdk::detail::JsonSyntax::is_object(json_literal),        \
                "RAPIDBYTE_MANIFEST: the manifest is not a well-formed JSON object"); \
  __asm__(".section .custom_section.rapidbyte.manifest,\"\",@\n"                        \
          ".ascii " RAPIDBYTE_DETAIL_STRINGIZE(json_literal) "\n"                         \
          ".text\n")

// The members every transform's manifest shares when it works with every
// sync and write mode and needs no network, environment or files:
//
//   RAPIDBYTE_MANIFEST({"id": "transform-x", "version": "0.1.0", "description": "...",
//                       RAPIDBYTE_MANIFEST_SANDBOXED_TRANSFORM,
//                       "resources": {...}, "config_schema": {...}});
// clang-format off
#define RAPIDBYTE_MANIFEST_SANDBOXED_TRANSFORM                                                 \
  "protocol_version": 4,                                                                       \
  "roles": ["transform"],                                                                      \
  "capabilities": {"sync_modes": ["full_refresh", "incremental", "cdc"],                       \
                   "write_modes": ["append", "replace", "upsert"]},                            \
  "permissions": {"network": {"hosts": [], "hosts_from_config": []}, "env": [], "filesystem": []}
// clang-format on
