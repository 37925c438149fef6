// Reads the custom sections of a WebAssembly binary without trusting it:
// every length is checked against the bytes that remain, so a truncated or
// lying module yields an error, never an out-of-bounds read.
#pragma once

#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rapidbyte::runtime {

struct CustomSection {
  std::string name;
  std::span<const uint8_t> data;  // points into the module bytes
};

// All custom sections of `module`, in order. Fails when the bytes are not a
// wasm module or a section header runs past the end.
std::expected<std::vector<CustomSection>, std::string> read_custom_sections(
    std::span<const uint8_t> module);

}  // namespace rapidbyte::runtime
