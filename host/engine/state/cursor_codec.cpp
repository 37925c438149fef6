#include "host/engine/state/cursor_codec.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <chrono>
#include <cstring>

#include "portable/crypto/hex.hpp"

namespace rapidbyte::engine {

namespace {

namespace p = rapidbyte::protocol;

constexpr const char* kTypeNames[] = {"int64",     "float64", "text", "timestamp_micros",
                                      "date_days", "lsn",     "bytes"};

template <class T>
std::expected<T, std::string> parse_integer(const std::string& s) {
  T v{};
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) {
    return std::unexpected("cursor value '" + s + "' is not an integer");
  }
  return v;
}

// The value as the "value" member of the stored form holds it.
std::string stored_text(const p::CursorValue& value) {
  std::string text;
  switch (value.index()) {
    case p::cursor_kind::kInt64:
      text = std::to_string(std::get<p::cursor_kind::kInt64>(value));
      break;
    case p::cursor_kind::kFloat64: {
      char buf[64];
      auto [end, ec] =
          std::to_chars(buf, buf + sizeof buf, std::get<p::cursor_kind::kFloat64>(value));
      text.assign(buf, end);
      break;
    }
    case p::cursor_kind::kText:
      text = std::get<p::cursor_kind::kText>(value);
      break;
    case p::cursor_kind::kTimestampMicros:
      text = std::to_string(std::get<p::cursor_kind::kTimestampMicros>(value));
      break;
    case p::cursor_kind::kDateDays:
      text = std::to_string(std::get<p::cursor_kind::kDateDays>(value));
      break;
    case p::cursor_kind::kLsn:
      text = std::to_string(std::get<p::cursor_kind::kLsn>(value));
      break;
    case p::cursor_kind::kBytes:
      crypto::append_hex(std::get<p::cursor_kind::kBytes>(value), text);
      break;
    default:  // every alternative is listed above
      break;
  }
  return text;
}

}  // namespace

std::string_view cursor_type_name(const p::CursorValue& value) {
  return kTypeNames[value.index()];
}

std::string describe_cursor_value(const p::CursorValue& value) {
  using std::chrono::days;
  using std::chrono::microseconds;
  using std::chrono::sys_days;
  using std::chrono::sys_time;
  switch (value.index()) {
    case p::cursor_kind::kTimestampMicros:
      return fmt::format(
          "{:%Y-%m-%dT%H:%M:%S}Z",
          sys_time<microseconds>(microseconds(std::get<p::cursor_kind::kTimestampMicros>(value))));
    case p::cursor_kind::kDateDays:
      return fmt::format("{:%Y-%m-%d}", sys_days(days(std::get<p::cursor_kind::kDateDays>(value))));
    case p::cursor_kind::kLsn: {
      const uint64_t lsn = std::get<p::cursor_kind::kLsn>(value);
      return fmt::format("{:X}/{:X}", lsn >> 32, lsn & 0xFFFFFFFFu);
    }
    case p::cursor_kind::kBytes: {
      std::string text = "\\x";
      crypto::append_hex(std::get<p::cursor_kind::kBytes>(value), text);
      return text;
    }
    default:  // the stored text of the rest is how a person writes them
      return stored_text(value);
  }
}

std::string encode_cursor_value(const p::CursorValue& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("type");
  w.String(kTypeNames[value.index()]);
  w.Key("value");
  const std::string text = stored_text(value);
  w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::expected<p::CursorValue, std::string> decode_cursor_value(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("type") || !doc["type"].IsString() ||
      !doc.HasMember("value") || !doc["value"].IsString()) {
    return std::unexpected("stored cursor is malformed: " + text);
  }
  const std::string type = doc["type"].GetString();
  const std::string value(doc["value"].GetString(), doc["value"].GetStringLength());
  auto wrap = [](auto parsed, auto make) -> std::expected<p::CursorValue, std::string> {
    if (!parsed) return std::unexpected(parsed.error());
    return make(*parsed);
  };
  if (type == "int64") {
    return wrap(parse_integer<int64_t>(value), [](int64_t v) {
      return p::CursorValue(std::in_place_index<p::cursor_kind::kInt64>, v);
    });
  }
  if (type == "float64") {
    double v = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size()) {
      return std::unexpected("cursor value '" + value + "' is not a number");
    }
    return p::CursorValue(std::in_place_index<p::cursor_kind::kFloat64>, v);
  }
  if (type == "text") return p::CursorValue(std::in_place_index<p::cursor_kind::kText>, value);
  if (type == "timestamp_micros") {
    return wrap(parse_integer<int64_t>(value), [](int64_t v) {
      return p::CursorValue(std::in_place_index<p::cursor_kind::kTimestampMicros>, v);
    });
  }
  if (type == "date_days") {
    return wrap(parse_integer<int32_t>(value), [](int32_t v) {
      return p::CursorValue(std::in_place_index<p::cursor_kind::kDateDays>, v);
    });
  }
  if (type == "lsn") {
    return wrap(parse_integer<uint64_t>(value), [](uint64_t v) {
      return p::CursorValue(std::in_place_index<p::cursor_kind::kLsn>, v);
    });
  }
  if (type == "bytes") {
    if (value.size() % 2 != 0) return std::unexpected("cursor bytes '" + value + "' are not hex");
    std::vector<uint8_t> bytes;
    for (size_t i = 0; i < value.size(); i += 2) {
      uint8_t b = 0;
      auto [end, ec] = std::from_chars(value.data() + i, value.data() + i + 2, b, 16);
      if (ec != std::errc() || end != value.data() + i + 2) {
        return std::unexpected("cursor bytes '" + value + "' are not hex");
      }
      bytes.push_back(b);
    }
    return p::CursorValue(std::in_place_index<p::cursor_kind::kBytes>, std::move(bytes));
  }
  return std::unexpected("stored cursor has unknown type '" + type + "'");
}

}  // namespace rapidbyte::engine
