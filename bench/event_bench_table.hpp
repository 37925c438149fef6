// The "event" profile of bench/postgres_pipeline_bench.sh as Arrow batches,
// the way source-postgres delivers that table: 15 columns of about 500
// bytes per row (uuids, an inet as text, URLs, a user agent, a JSON payload,
// timestamps, a numeric(12,2), a flag), with the same NULL patterns and
// value formulas as the SQL that fills it (md5 hex where it uses md5).
// Header-only and deterministic.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/boolean_builder.hpp"
#include "portable/arrow/extension_type.hpp"
#include "portable/arrow/fixed_size_binary_builder.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/arrow/record_batch.hpp"
#include "portable/crypto/md5.hpp"

namespace rapidbyte::bench {

inline std::shared_ptr<const arrow::Schema> event_bench_schema() {
  using namespace arrow;
  const DataType ts = timestamp(TimeUnit::kMicro, "UTC");
  return make_schema({field("id", int64(), false), uuid_field("event_id", false),
                      field("user_id", int64(), false), uuid_field("session_id"),
                      field("ip", utf8()), field("event_type", utf8(), false),
                      field("url", utf8(), false), field("user_agent", utf8()),
                      field("referrer", utf8()), field("payload", utf8()), field("country", utf8()),
                      field("created_at", ts, false), field("received_at", ts),
                      field("amount", decimal128(12, 2)), field("is_mobile", boolean())});
}

// Rows first_row + 1 .. first_row + rows (the SQL's g).
inline arrow::RecordBatch make_event_batch(int64_t first_row, int64_t rows) {
  using namespace arrow;
  static const char* kTypes[] = {"page_view", "add_to_cart", "checkout",
                                 "search",    "login",       "purchase"};
  static const char* kAgents[] = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0.0.0 Safari/537.36",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"};
  static const char* kCountries[] = {"US", "DE", "FR", "BR", "IN", "JP", "GB"};
  constexpr int64_t kEpoch2026 = 1767225600000000;  // 2026-01-01 00:00 UTC in us

  Int64Builder id(int64()), user(int64());
  FixedSizeBinaryBuilder event_id(fixed_size_binary(16)), session(fixed_size_binary(16));
  StringBuilder ip, type, url, agent, referrer, payload, country;
  TimestampBuilder created(TimeUnit::kMicro, "UTC"), received(TimeUnit::kMicro, "UTC");
  FixedSizeBinaryBuilder amount(decimal128(12, 2));
  BooleanBuilder mobile;
  auto digest = [](const std::string& text) { return crypto::md5(text); };
  auto md5_hex = [](const std::string& text) { return crypto::md5_hex(text); };
  for (int64_t g = first_row + 1; g <= first_row + rows; ++g) {
    const std::string gs = std::to_string(g);
    id.append(g);
    const auto e = digest(gs);
    event_id.append(std::span<const uint8_t>(e.data(), 16));
    user.append(g * 7919 % 200000);
    if (g % 10 != 0) {
      const auto s = digest(std::to_string(g / 20) + "s");
      session.append(std::span<const uint8_t>(s.data(), 16));
    } else {
      session.append_null();
    }
    if (g % 25 != 0) {
      ip.append("10." + std::to_string((g >> 16) % 256) + "." + std::to_string((g >> 8) % 256) +
                "." + std::to_string(g % 256));
    } else {
      ip.append_null();
    }
    type.append(std::string_view(kTypes[g % 6]));
    url.append("https://shop.example.com/products/" + std::to_string(g * 31 % 100000) + "/" +
               md5_hex(gs + "u") + "?src=feed");
    agent.append(std::string(kAgents[g % 3]) + " build/" + std::to_string(g % 997));
    if (g % 5 >= 2) {
      referrer.append("https://www.search.example.org/q?term=" + md5_hex(gs + "r").substr(0, 20));
    } else {
      referrer.append_null();
    }
    payload.append("{\"cart\":\"" + md5_hex(gs + "p") + "\",\"sku\":\"" + md5_hex(gs + "q") +
                   "\",\"n\":" + std::to_string(g % 17) + "}");
    country.append(std::string_view(kCountries[g % 7]));
    const int64_t at = kEpoch2026 + g * 10000;
    created.append(at);
    if (g % 5 != 0) {
      received.append(at + 250000);
    } else {
      received.append_null();
    }
    if (g % 2 == 0) {
      const __int128 cents = g % 1000000;  // (g % 1000000) / 100.0 at scale 2
      uint8_t bytes[16];
      std::memcpy(bytes, &cents, 16);
      amount.append(std::span<const uint8_t>(bytes, 16));
    } else {
      amount.append_null();
    }
    mobile.append(g % 3 == 1);
  }
  std::vector<Array> columns;
  for (ArrayBuilder* b : std::initializer_list<ArrayBuilder*>{
           &id, &event_id, &user, &session, &ip, &type, &url, &agent, &referrer, &payload, &country,
           &created, &received, &amount, &mobile}) {
    columns.push_back(*b->finish());
  }
  return RecordBatch(event_bench_schema(), std::move(columns), rows);
}

}  // namespace rapidbyte::bench
