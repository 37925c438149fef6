#include "portable/parquet/rle_hybrid.hpp"

#include <algorithm>
#include <string>

#include "portable/parquet/byte_io.hpp"

namespace rapidbyte::parquet {

namespace {

using arrow::make_error;

// Shorter runs are cheaper bit-packed (Arrow's writer uses the same bound).
constexpr size_t kMinRepeat = 8;

size_t run_length(std::span<const uint32_t> values, size_t at) {
  size_t end = at + 1;
  while (end < values.size() && values[end] == values[at]) ++end;
  return end - at;
}

void repeat_run(uint32_t value, size_t count, int width, std::vector<uint8_t>& out) {
  append_varint(static_cast<uint64_t>(count) << 1, out);
  for (int byte = 0; byte < (width + 7) / 8; ++byte) {
    out.push_back(static_cast<uint8_t>(value >> (8 * byte)));
  }
}

// Bit-packs values[begin, end) (end - begin a multiple of 8, values past
// the input are zeros).
void packed_run(std::span<const uint32_t> values, size_t begin, size_t end, int width,
                std::vector<uint8_t>& out) {
  append_varint(((end - begin) / 8) << 1 | 1, out);
  uint64_t bits = 0;
  int held = 0;
  for (size_t i = begin; i < end; ++i) {
    const uint64_t v = i < values.size() ? values[i] : 0;
    bits |= v << held;
    held += width;
    while (held >= 8) {
      out.push_back(static_cast<uint8_t>(bits));
      bits >>= 8;
      held -= 8;
    }
  }
}

}  // namespace

void rle_hybrid_encode(std::span<const uint32_t> values, int width, std::vector<uint8_t>& out) {
  size_t i = 0;
  while (i < values.size()) {
    const size_t run = run_length(values, i);
    if (run >= kMinRepeat || width == 0) {
      repeat_run(values[i], run, width, out);
      i += run;
      continue;
    }
    // Groups of 8 until a long repeat starts at a group boundary.
    size_t end = i;
    do {
      end += 8;
    } while (end < values.size() && run_length(values, end) < kMinRepeat);
    packed_run(values, i, end, width, out);
    i = end;
  }
}

Result<void> rle_hybrid_decode(std::span<const uint8_t> in, int width, size_t count,
                               std::vector<uint32_t>& out) {
  if (width < 0 || width > 32) return make_error("RLE: bit width " + std::to_string(width));
  out.clear();
  out.reserve(std::min(count, in.size() * 8 + 64));
  size_t pos = 0;
  const size_t value_bytes = (static_cast<size_t>(width) + 7) / 8;
  while (out.size() < count) {
    uint64_t header = 0;
    switch (read_varint(in, pos, header)) {
      case VarintRead::kOk:
        break;
      case VarintRead::kTruncated:
        return make_error("RLE: data ends before its " + std::to_string(count) + " values");
      case VarintRead::kTooLong:
        return make_error("RLE: run header longer than 10 bytes");
    }
    if ((header & 1) == 0) {
      const uint64_t repeat = header >> 1;
      if (repeat == 0) return make_error("RLE: a repeat run of no values");
      if (in.size() - pos < value_bytes) return make_error("RLE: a repeat run's value is cut off");
      uint32_t value = 0;
      for (size_t b = 0; b < value_bytes; ++b)
        value |= static_cast<uint32_t>(in[pos + b]) << (8 * b);
      pos += value_bytes;
      if (width < 32 && (value >> width) != 0) {
        return make_error("RLE: a repeated value wider than " + std::to_string(width) + " bits");
      }
      const size_t take = static_cast<size_t>(std::min<uint64_t>(repeat, count - out.size()));
      out.insert(out.end(), take, value);
      continue;
    }
    const uint64_t groups = header >> 1;
    if (groups == 0) return make_error("RLE: a bit-packed run of no values");
    // The run's bytes: it may be the last run of a page and be cut short
    // after the values the page holds.
    const uint64_t run_bytes = groups * static_cast<uint64_t>(width);  // 8 values * width / 8
    const size_t wanted = static_cast<size_t>(std::min<uint64_t>(groups * 8, count - out.size()));
    const size_t needed = (wanted * width + 7) / 8;
    if (in.size() - pos < needed) return make_error("RLE: a bit-packed run is cut off");
    uint64_t bits = 0;
    int held = 0;
    size_t byte = pos;
    const uint32_t mask = width == 32 ? 0xFFFFFFFFu : (1u << width) - 1;
    for (size_t v = 0; v < wanted; ++v) {
      while (held < width) {
        bits |= static_cast<uint64_t>(in[byte++]) << held;
        held += 8;
      }
      out.push_back(static_cast<uint32_t>(bits) & mask);
      bits >>= width;
      held -= width;
    }
    pos += static_cast<size_t>(std::min<uint64_t>(run_bytes, in.size() - pos));
  }
  return {};
}

}  // namespace rapidbyte::parquet
