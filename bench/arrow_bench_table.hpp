// The benchmark table of bench/arrow_ipc_bench: 14 columns that look like a
// typical ingested row (ids, amounts, flags with nulls, timestamps, a uuid,
// short and long text), about 500 bytes per row. Header-only and portable,
// so the native benchmark and its wasm guest build the same data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/boolean_builder.hpp"
#include "portable/arrow/extension_type.hpp"
#include "portable/arrow/fixed_size_binary_builder.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/arrow/record_batch.hpp"

namespace rapidbyte::bench {

inline std::shared_ptr<const arrow::Schema> arrow_bench_schema() {
  using namespace arrow;
  const DataType ts = timestamp(TimeUnit::kMicro, "UTC");
  return make_schema(
      {field("id", int64(), false), field("account_id", int64()), field("quantity", int32()),
       field("price", float64()), field("active", boolean()), field("verified", boolean()),
       field("created_at", ts, false), field("updated_at", ts), uuid_field("external_id"),
       field("name", utf8()), field("email", utf8()), field("description", utf8()),
       field("category", utf8()), field("country", utf8())});
}

// `rows` rows, deterministic. REQUIRES: rows >= 0.
inline arrow::RecordBatch make_arrow_bench_batch(int64_t rows) {
  using namespace arrow;
  static const std::string corpus = [] {
    static const char* words[] = {"lorem",        "ipsum",
                                  "dolor",        "sit",
                                  "amet",         "consectetur",
                                  "adipiscing",   "elit",
                                  "sed",          "do",
                                  "eiusmod",      "tempor",
                                  "incididunt",   "ut",
                                  "labore",       "et",
                                  "dolore",       "magna",
                                  "aliqua",       "caf\xC3\xA9",
                                  "na\xC3\xAFve", "\xE6\x97\xA5\xE6\x9C\xAC"};
    std::string s;
    for (uint32_t i = 0; s.size() < (1 << 16); i = i * 1103515245u + 12345u) {
      s += words[(i >> 16) % (sizeof(words) / sizeof(words[0]))];
      s += ' ';
    }
    return s;
  }();
  static const char* categories[] = {"books", "electronics", "garden", "toys", "grocery"};
  static const char* countries[] = {"US", "DE", "FR", "JP", "BR", "IN", "GB"};

  Int64Builder id, account;
  Int32Builder quantity;
  Float64Builder price;
  BooleanBuilder active, verified;
  TimestampBuilder created(TimeUnit::kMicro, "UTC"), updated(TimeUnit::kMicro, "UTC");
  FixedSizeBinaryBuilder uuid(fixed_size_binary(16));
  StringBuilder name, email, description, category, country;
  for (ArrayBuilder* b : std::initializer_list<ArrayBuilder*>{
           &id, &account, &quantity, &price, &active, &verified, &created, &updated, &uuid, &name,
           &email, &description, &category, &country}) {
    b->reserve(rows);
  }
  description.reserve_data(rows * 360);
  // About `length` bytes of the corpus from `at`, cut on UTF-8 boundaries.
  auto slice = [&](size_t at, size_t length) {
    auto boundary = [&](size_t i) {
      while ((static_cast<unsigned char>(corpus[i]) & 0xC0) == 0x80) ++i;
      return i;
    };
    const size_t begin = boundary(at);
    return std::string_view(corpus).substr(begin, boundary(begin + length) - begin);
  };
  std::string text;
  for (int64_t r = 0; r < rows; ++r) {
    const uint64_t h = static_cast<uint64_t>(r) * 0x9E3779B97F4A7C15ULL;
    id.append(r);
    account.append(static_cast<int64_t>(h >> 40));
    r % 10 == 3 ? quantity.append_null() : quantity.append(static_cast<int32_t>(h % 1000));
    price.append(static_cast<double>(h % 100000) / 100);
    r % 7 == 0 ? active.append_null() : active.append((h >> 7) & 1);
    verified.append((h >> 9) & 1);
    created.append(1700000000000000 + r * 1000);
    r % 5 == 0 ? updated.append_null() : updated.append(1700000000000000 + r * 1500);
    uint8_t bytes[16];
    for (int k = 0; k < 16; ++k) bytes[k] = static_cast<uint8_t>(h >> ((k % 8) * 8)) ^ k;
    uuid.append(std::span<const uint8_t>(bytes));
    const size_t at = static_cast<size_t>(h % (corpus.size() - 400));
    name.append(slice(at, 12 + r % 16));
    text = "user" + std::to_string(r) + "@example.com";
    email.append(text);
    description.append(slice(at, 300 + r % 100));
    category.append(categories[r % 5]);
    country.append(countries[r % 7]);
  }
  std::vector<Array> columns;
  for (ArrayBuilder* b : std::initializer_list<ArrayBuilder*>{
           &id, &account, &quantity, &price, &active, &verified, &created, &updated, &uuid, &name,
           &email, &description, &category, &country}) {
    columns.push_back(*b->finish());
  }
  return *RecordBatch::make(arrow_bench_schema(), std::move(columns), rows);
}

}  // namespace rapidbyte::bench
