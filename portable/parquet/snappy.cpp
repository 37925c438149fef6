#include "portable/parquet/snappy.hpp"

#include <cstring>
#include <string>

#include "portable/arrow/bit_util.hpp"
#include "portable/parquet/byte_io.hpp"

namespace rapidbyte::parquet::snappy {

namespace {

using arrow::make_error;

// Matches never reach back past the start of their block, so every offset
// fits the two-byte form.
constexpr size_t kBlockSize = 1 << 16;
constexpr int kHashBits = 14;

uint32_t load32(const uint8_t* p) {
  return arrow::bit_util::load<uint32_t>(p);
}

uint32_t hash(uint32_t bytes) {
  return (bytes * 0x1E35A7BDu) >> (32 - kHashBits);
}

void literal(const uint8_t* begin, size_t length, std::vector<uint8_t>& out) {
  if (length == 0) return;
  const size_t n = length - 1;
  if (n < 60) {
    out.push_back(static_cast<uint8_t>(n << 2));
  } else {
    int bytes = n < (1u << 8) ? 1 : n < (1u << 16) ? 2 : n < (1u << 24) ? 3 : 4;
    out.push_back(static_cast<uint8_t>((59 + bytes) << 2));
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  }
  out.insert(out.end(), begin, begin + length);
}

// One copy element of 1..64 bytes.
void copy_element(size_t offset, size_t length, std::vector<uint8_t>& out) {
  if (length >= 4 && length <= 11 && offset < 2048) {
    out.push_back(static_cast<uint8_t>(1 | ((length - 4) << 2) | ((offset >> 8) << 5)));
    out.push_back(static_cast<uint8_t>(offset));
  } else {
    out.push_back(static_cast<uint8_t>(2 | ((length - 1) << 2)));
    out.push_back(static_cast<uint8_t>(offset));
    out.push_back(static_cast<uint8_t>(offset >> 8));
  }
}

void copy(size_t offset, size_t length, std::vector<uint8_t>& out) {
  // Pieces of 64, leaving at least 4 for the last one.
  while (length >= 68) {
    copy_element(offset, 64, out);
    length -= 64;
  }
  if (length > 64) {
    copy_element(offset, 60, out);
    length -= 60;
  }
  copy_element(offset, length, out);
}

void compress_block(const uint8_t* block, size_t size, std::vector<uint8_t>& out) {
  std::vector<int32_t> table(size_t{1} << kHashBits, -1);
  size_t pending = 0;  // start of the literal not yet written
  size_t i = 0;
  while (i + 4 <= size) {
    const uint32_t bytes = load32(block + i);
    int32_t& slot = table[hash(bytes)];
    const int32_t candidate = slot;
    slot = static_cast<int32_t>(i);
    if (candidate < 0 || load32(block + candidate) != bytes) {
      ++i;
      continue;
    }
    size_t length = 4;
    while (i + length < size && block[candidate + length] == block[i + length]) ++length;
    literal(block + pending, i - pending, out);
    copy(i - static_cast<size_t>(candidate), length, out);
    i += length;
    pending = i;
  }
  literal(block + pending, size - pending, out);
}

}  // namespace

void compress(std::span<const uint8_t> input, std::vector<uint8_t>& out) {
  append_varint(input.size(), out);
  for (size_t at = 0; at < input.size(); at += kBlockSize) {
    compress_block(input.data() + at, std::min(kBlockSize, input.size() - at), out);
  }
}

Result<uint64_t> uncompressed_length(std::span<const uint8_t> input) {
  // At most 5 bytes: the length is a 32-bit number.
  uint64_t length = 0;
  size_t pos = 0;
  if (read_varint(input.first(std::min<size_t>(input.size(), 5)), pos, length) == VarintRead::kOk &&
      length <= UINT32_MAX) {
    return length;
  }
  return make_error("Snappy: the block's length is malformed");
}

Result<void> decompress(std::span<const uint8_t> input, std::span<uint8_t> output) {
  size_t pos = 0;
  while (pos < input.size() && (input[pos] & 0x80) != 0) ++pos;
  ++pos;  // past the length, which the caller checked
  size_t produced = 0;
  auto corrupt = [&](const char* what) {
    return make_error(std::string("Snappy: ") + what + " at input offset " + std::to_string(pos));
  };
  while (pos < input.size()) {
    const uint8_t tag = input[pos++];
    if ((tag & 3) == 0) {
      size_t length = (tag >> 2) + 1;
      if (length > 60) {
        const size_t bytes = length - 60;
        if (input.size() - pos < bytes) return corrupt("a literal's length is cut off");
        length = 0;
        for (size_t b = 0; b < bytes; ++b) length |= static_cast<size_t>(input[pos + b]) << (8 * b);
        length += 1;
        pos += bytes;
      }
      if (input.size() - pos < length) return corrupt("a literal runs past the input");
      if (output.size() - produced < length) return corrupt("a literal runs past the output");
      std::memcpy(output.data() + produced, input.data() + pos, length);
      pos += length;
      produced += length;
      continue;
    }
    size_t length = 0, offset = 0;
    if ((tag & 3) == 1) {
      if (input.size() - pos < 1) return corrupt("a copy is cut off");
      length = 4 + ((tag >> 2) & 7);
      offset = (static_cast<size_t>(tag >> 5) << 8) | input[pos];
      pos += 1;
    } else {
      const size_t bytes = (tag & 3) == 2 ? 2 : 4;
      if (input.size() - pos < bytes) return corrupt("a copy is cut off");
      length = (tag >> 2) + 1;
      for (size_t b = 0; b < bytes; ++b) offset |= static_cast<size_t>(input[pos + b]) << (8 * b);
      pos += bytes;
    }
    if (offset == 0 || offset > produced) return corrupt("a copy reaches before the output");
    if (output.size() - produced < length) return corrupt("a copy runs past the output");
    // Byte by byte: a copy may overlap what it produces (a run).
    for (size_t k = 0; k < length; ++k) {
      output[produced + k] = output[produced + k - offset];
    }
    produced += length;
  }
  if (produced != output.size()) {
    return make_error("Snappy: the block holds " + std::to_string(produced) + " bytes, not the " +
                      std::to_string(output.size()) + " it declares");
  }
  return {};
}

}  // namespace rapidbyte::parquet::snappy
