#include "portable/parquet/delta_encoding.hpp"

#include <string>

#include "portable/base/try.hpp"
#include "portable/parquet/byte_io.hpp"

namespace rapidbyte::parquet {

namespace {

using arrow::make_error;

class Bytes {
 public:
  explicit Bytes(std::span<const uint8_t> in) : in_(in) {}

  Result<uint64_t> varint() {
    uint64_t value = 0;
    switch (read_varint(in_, pos_, value)) {
      case VarintRead::kOk:
        return value;
      case VarintRead::kTruncated:
        return make_error("DELTA: a header is cut off");
      case VarintRead::kTooLong:
        break;
    }
    return make_error("DELTA: a varint longer than 10 bytes");
  }
  Result<int64_t> zigzag() {
    RB_ASSIGN_OR_RETURN(const uint64_t v, varint());
    return zigzag_decode(v);
  }
  Result<std::span<const uint8_t>> take(size_t n) {
    if (in_.size() - pos_ < n) return make_error("DELTA: the data is cut off");
    auto part = in_.subspan(pos_, n);
    pos_ += n;
    return part;
  }
  size_t position() const { return pos_; }
  std::span<const uint8_t> rest() const { return in_.subspan(pos_); }

 private:
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
};

// The block sizes writers use are a few hundred values; a header claiming
// more is refused before anything is sized by it.
constexpr uint64_t kMaxBlockValues = 1u << 16;

}  // namespace

Result<size_t> decode_delta_binary_packed(std::span<const uint8_t> in, size_t count,
                                          std::vector<int64_t>& out) {
  Bytes bytes(in);
  RB_ASSIGN_OR_RETURN(const uint64_t block_values, bytes.varint());
  RB_ASSIGN_OR_RETURN(const uint64_t miniblocks, bytes.varint());
  RB_ASSIGN_OR_RETURN(const uint64_t total, bytes.varint());
  RB_ASSIGN_OR_RETURN(const int64_t first, bytes.zigzag());
  if (block_values == 0 || block_values % 128 != 0 || block_values > kMaxBlockValues ||
      miniblocks == 0 || block_values % miniblocks != 0 || (block_values / miniblocks) % 32 != 0) {
    return make_error("DELTA_BINARY_PACKED: blocks of " + std::to_string(block_values) +
                      " values in " + std::to_string(miniblocks) + " miniblocks");
  }
  if (total < count) {
    return make_error("DELTA_BINARY_PACKED: " + std::to_string(total) + " values where " +
                      std::to_string(count) + " are needed");
  }
  const uint64_t per_miniblock = block_values / miniblocks;
  out.clear();
  out.reserve(count);
  if (total == 0) return bytes.position();
  uint64_t value = static_cast<uint64_t>(first);
  out.push_back(first);
  uint64_t remaining = total - 1;
  while (remaining > 0) {
    RB_ASSIGN_OR_RETURN(const int64_t min_delta, bytes.zigzag());
    RB_ASSIGN_OR_RETURN(const auto widths, bytes.take(static_cast<size_t>(miniblocks)));
    for (uint64_t m = 0; m < miniblocks && remaining > 0; ++m) {
      const int width = widths[m];
      if (width > 64)
        return make_error("DELTA_BINARY_PACKED: a miniblock of width " + std::to_string(width));
      RB_ASSIGN_OR_RETURN(const auto packed, bytes.take(per_miniblock * width / 8));
      uint64_t held = 0;
      int bits = 0;
      size_t at = 0;
      for (uint64_t i = 0; i < per_miniblock && remaining > 0; ++i, --remaining) {
        uint64_t delta = 0;
        int got = 0;
        while (got < width) {
          if (bits == 0) {
            held = packed[at++];
            bits = 8;
          }
          const int use = std::min(width - got, bits);
          delta |= (held & ((uint64_t{1} << use) - 1)) << got;
          held >>= use;
          bits -= use;
          got += use;
        }
        value += static_cast<uint64_t>(min_delta) + delta;
        if (out.size() < count) out.push_back(static_cast<int64_t>(value));
      }
    }
  }
  return bytes.position();
}

Result<void> decode_delta_length_byte_array(std::span<const uint8_t> in, size_t count,
                                            std::vector<uint8_t>& arena,
                                            std::vector<size_t>& ends) {
  std::vector<int64_t> lengths;
  RB_ASSIGN_OR_RETURN(const size_t used, decode_delta_binary_packed(in, count, lengths));
  Bytes data(in.subspan(used));
  arena.clear();
  ends.clear();
  for (int64_t length : lengths) {
    if (length < 0) return make_error("DELTA_LENGTH_BYTE_ARRAY: a negative length");
    RB_ASSIGN_OR_RETURN(const auto value, data.take(static_cast<size_t>(length)));
    arena.insert(arena.end(), value.begin(), value.end());
    ends.push_back(arena.size());
  }
  return {};
}

Result<void> decode_delta_byte_array(std::span<const uint8_t> in, size_t count,
                                     std::vector<uint8_t>& arena, std::vector<size_t>& ends) {
  std::vector<int64_t> prefixes;
  RB_ASSIGN_OR_RETURN(const size_t used, decode_delta_binary_packed(in, count, prefixes));
  std::vector<uint8_t> suffixes;
  std::vector<size_t> suffix_ends;
  RB_TRY(decode_delta_length_byte_array(in.subspan(used), count, suffixes, suffix_ends));
  arena.clear();
  ends.clear();
  size_t previous = 0, previous_length = 0, suffix_start = 0;
  for (size_t i = 0; i < count; ++i) {
    const int64_t prefix = prefixes[i];
    if (prefix < 0 || static_cast<size_t>(prefix) > previous_length) {
      return make_error("DELTA_BYTE_ARRAY: a prefix longer than the value before it");
    }
    const size_t start = arena.size();
    // The shared prefix comes from the previous value, already in the arena.
    for (size_t k = 0; k < static_cast<size_t>(prefix); ++k) {
      const uint8_t byte = arena[previous + k];
      arena.push_back(byte);
    }
    arena.insert(arena.end(), suffixes.begin() + static_cast<long>(suffix_start),
                 suffixes.begin() + static_cast<long>(suffix_ends[i]));
    suffix_start = suffix_ends[i];
    previous = start;
    previous_length = arena.size() - start;
    ends.push_back(arena.size());
  }
  return {};
}

Result<void> decode_byte_stream_split(std::span<const uint8_t> in, size_t count, size_t width,
                                      std::vector<uint8_t>& out) {
  if (width == 0 || count > in.size() / width) {
    return make_error("BYTE_STREAM_SPLIT: " + std::to_string(count) + " values of " +
                      std::to_string(width) + " bytes in " + std::to_string(in.size()));
  }
  // Stream b holds byte b of each of the page's (present) values.
  out.resize(count * width);
  for (size_t i = 0; i < count; ++i) {
    for (size_t b = 0; b < width; ++b) out[i * width + b] = in[b * count + i];
  }
  return {};
}

}  // namespace rapidbyte::parquet
