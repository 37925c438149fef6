// ContentChecksum: a deterministic 64-bit digest of the rows of record
// batches, independent of how rows are split into batches and of their
// order, so a test can compare what a destination received with what a
// source produced without caring about batching or parallelism.
//
// Definition (stable; host and guest compute the same value):
//   value_hash(null)            = kNullHash
//   value_hash(bool b)          = hash_word(b ? 1 : 0)
//   value_hash(fixed width w)   = hash_word(the w bytes, little-endian,
//                                 zero-extended) for w <= 8, else
//                                 hash_bytes(the w bytes)
//   value_hash(utf8 / binary,   = hash_bytes(the value's bytes)
//     large_utf8 / large_binary)
//   value_hash(list of n)       = fold over the elements in order of
//                                 h = mix(h * kRowMultiplier + e), from
//                                 h = hash_word(n), where e is each
//                                 element's value_hash folded once into
//                                 kRowSeed the same way
//   row_hash                    = fold over columns in schema order of
//                                 h = mix(h * kRowMultiplier + value_hash),
//                                 from h = kRowSeed
//   checksum                    = sum of row_hash over all rows, mod 2^64
// with mix() the splitmix64 finalizer and hash_bytes() a word-at-a-time
// multiply-mix over little-endian 8-byte words (see checksum.cpp). Column
// names and types do not enter the digest; values (as stored bytes) do.
//
// Memory: add() reads the batch's buffers in place and reuses one scratch
// vector of per-row hashes, so it allocates only when a batch is larger than
// every batch before it. Thread-compatible.
#pragma once

#include <cstdint>
#include <vector>

#include "portable/arrow/record_batch.hpp"

namespace rapidbyte::arrow {

class ContentChecksum {
 public:
  static constexpr uint64_t kNullHash = 0x6e756c6c2d76616cULL;  // "null-val"
  static constexpr uint64_t kRowSeed = 0x726f772d73656564ULL;   // "row-seed"
  static constexpr uint64_t kRowMultiplier = 0x9e3779b97f4a7c15ULL;

  // Adds every row of `batch`.
  void add(const RecordBatch& batch);

  // The sum of the row hashes added so far (0 when none).
  uint64_t value() const { return sum_; }
  // Rows added so far.
  uint64_t rows() const { return rows_; }

 private:
  uint64_t sum_ = 0;
  uint64_t rows_ = 0;
  std::vector<uint64_t> row_hashes_;
};

// The checksum of one batch alone (ContentChecksum of just `batch`).
uint64_t content_checksum(const RecordBatch& batch);

}  // namespace rapidbyte::arrow
