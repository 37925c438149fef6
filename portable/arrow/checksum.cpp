#include "portable/arrow/checksum.hpp"

#include <cstring>
#include <vector>

#include "portable/arrow/bit_util.hpp"
#include "portable/base/mix64.hpp"

namespace rapidbyte::arrow {

namespace {

inline uint64_t hash_word(uint64_t word) {
  return mix64(word ^ 0x776f72642d68736bULL);
}

inline uint64_t load_le(const uint8_t* p, size_t n) {
  uint64_t w = 0;
  std::memcpy(&w, p, n);  // both the host and wasm32 are little-endian
  return w;
}

uint64_t hash_bytes(const uint8_t* p, size_t n) {
  uint64_t h = mix64(static_cast<uint64_t>(n) * ContentChecksum::kRowMultiplier);
  for (; n >= 8; p += 8, n -= 8) h = mix64(h ^ load_le(p, 8));
  if (n != 0) h = mix64(h ^ load_le(p, n) ^ (static_cast<uint64_t>(n) << 56));
  return h;
}

inline void fold(uint64_t& row_hash, uint64_t value_hash) {
  row_hash = mix64(row_hash * ContentChecksum::kRowMultiplier + value_hash);
}

// Folds value_hash(column, row) into hashes[row] for every row; `value(i)`
// gives the hash of the valid slot i.
template <class ValueHash>
void fold_column(const Array& column, uint64_t* hashes, ValueHash value) {
  const int64_t n = column.length();
  if (column.null_count() == 0) {
    for (int64_t i = 0; i < n; ++i) fold(hashes[i], value(i));
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    fold(hashes[i], column.is_null(i) ? ContentChecksum::kNullHash : value(i));
  }
}

void fold_column(const Array& column, uint64_t* hashes);

template <class Offset>
void fold_var_binary(const Array& column, uint64_t* hashes) {
  const ArrayData& d = column.data();
  constexpr int64_t kWidth = sizeof(Offset);
  const uint8_t* offsets = d.values.data() + d.offset * kWidth;
  const uint8_t* chars = d.data.data();
  fold_column(column, hashes, [&](int64_t i) {
    const Offset begin = bit_util::load<Offset>(offsets + i * kWidth);
    const Offset end = bit_util::load<Offset>(offsets + (i + 1) * kWidth);
    return hash_bytes(chars + begin, static_cast<size_t>(end - begin));
  });
}

void fold_column(const Array& column, uint64_t* hashes) {
  const ArrayData& d = column.data();
  switch (d.type.layout()) {
    case Layout::kNull:
      for (int64_t i = 0; i < d.length; ++i) fold(hashes[i], ContentChecksum::kNullHash);
      return;
    case Layout::kBitmap: {
      const uint8_t* bits = d.values.data();
      fold_column(column, hashes,
                  [&](int64_t i) { return hash_word(bit_util::get_bit(bits, d.offset + i)); });
      return;
    }
    case Layout::kFixedWidth: {
      const size_t width = static_cast<size_t>(d.type.byte_width());
      const uint8_t* values = d.values.data() + d.offset * static_cast<int64_t>(width);
      if (width <= 8) {
        fold_column(column, hashes,
                    [&](int64_t i) { return hash_word(load_le(values + i * width, width)); });
      } else {
        fold_column(column, hashes,
                    [&](int64_t i) { return hash_bytes(values + i * width, width); });
      }
      return;
    }
    case Layout::kVarBinary:
      fold_var_binary<int32_t>(column, hashes);
      return;
    case Layout::kLargeVarBinary:
      fold_var_binary<int64_t>(column, hashes);
      return;
    case Layout::kList: {
      // A list hashes as its length and the hashes of its elements in order.
      const Array elements(d.children.front());
      std::vector<uint64_t> element_hashes(static_cast<size_t>(elements.length()),
                                           ContentChecksum::kRowSeed);
      fold_column(elements, element_hashes.data());
      const uint8_t* offsets = d.values.data() + d.offset * 4;
      fold_column(column, hashes, [&](int64_t i) {
        const int32_t begin = bit_util::load<int32_t>(offsets + i * 4);
        const int32_t end = bit_util::load<int32_t>(offsets + (i + 1) * 4);
        uint64_t h = hash_word(static_cast<uint64_t>(end - begin));
        for (int32_t k = begin; k < end; ++k) fold(h, element_hashes[static_cast<size_t>(k)]);
        return h;
      });
      return;
    }
  }
}

}  // namespace

void ContentChecksum::add(const RecordBatch& batch) {
  const size_t rows = static_cast<size_t>(batch.num_rows());
  row_hashes_.assign(rows, kRowSeed);
  for (const Array& column : batch.columns()) fold_column(column, row_hashes_.data());
  for (uint64_t h : row_hashes_) sum_ += h;
  rows_ += rows;
}

uint64_t content_checksum(const RecordBatch& batch) {
  ContentChecksum checksum;
  checksum.add(batch);
  return checksum.value();
}

}  // namespace rapidbyte::arrow
