#include "guest/connectors/source-postgres/partition_planner.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <optional>

#include "guest/connectors/postgres-common/sql_text.hpp"
#include "portable/base/try.hpp"
#include "portable/postgres/codec/type_oids.hpp"

namespace rapidbyte::connectors::source_postgres {
namespace {

using postgres_common::quote_identifier;
using postgres_common::quote_literal;

// How a key column's values are stepped between min and max.
enum class KeyKind { kInteger, kNumeric, kTimestamp, kDate };

sdk::Result<KeyKind> key_kind(const TableInfo& table, const ColumnInfo& column, bool modulo) {
  namespace oid = postgres::oid;
  const uint32_t type = column.type.type_oid;
  if (type == oid::kInt2 || type == oid::kInt4 || type == oid::kInt8) return KeyKind::kInteger;
  if (!modulo) {
    if (type == oid::kNumeric) return KeyKind::kNumeric;
    if (type == oid::kTimestamp || type == oid::kTimestamptz) return KeyKind::kTimestamp;
    if (type == oid::kDate) return KeyKind::kDate;
  }
  return sdk::config_error("partition_key '" + column.name + "' of " + table.name.quoted() +
                               " is " + column.type_name + "; " +
                               (modulo ? "partition_mode mod needs an integer column"
                                       : "a range split needs an integer, numeric, timestamp "
                                         "or date column"),
                           "PARTITION_KEY_TYPE");
}

std::string to_json(const rapidjson::Document& doc) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return {buffer.GetString(), buffer.GetSize()};
}

void set_text(rapidjson::Document& doc, const char* name, const std::optional<std::string>& v) {
  rapidjson::Value value;
  if (v)
    value.SetString(v->data(), static_cast<rapidjson::SizeType>(v->size()), doc.GetAllocator());
  doc.AddMember(rapidjson::StringRef(name), value, doc.GetAllocator());
}

// The non-null values of the first column of a query's rows.
std::vector<std::string> first_column(const std::vector<postgres::TextResult>& results) {
  std::vector<std::string> values;
  for (const auto& row : results.front().rows) {
    if (row.at(0)) values.push_back(*row.at(0));
  }
  return values;
}

// count - 1 bounds that cut `values` (ascending) into count runs of nearly
// equal length: the bound before slice k is the value at k * size / count.
std::vector<std::string> even_cuts(const std::vector<std::string>& values, uint32_t count) {
  std::vector<std::string> cuts;
  for (uint32_t k = 1; k < count; ++k) cuts.push_back(values[values.size() * k / count]);
  return cuts;
}

// The histogram of the key in pg_stats, ascending, as text; empty when the
// table was not analyzed (or the column has too few distinct values).
sdk::Result<std::vector<std::string>> histogram(postgres::Connection& connection,
                                                const TableInfo& table, const ColumnInfo& column) {
  RB_ASSIGN_OR_RETURN(
      auto results,
      run_sql(connection,
              "SELECT b::text FROM pg_catalog.unnest((SELECT histogram_bounds::text FROM "
              "pg_catalog.pg_stats WHERE schemaname = " +
                  quote_literal(table.name.schema) + " AND tablename = " +
                  quote_literal(table.name.table) + " AND attname = " + quote_literal(column.name) +
                  " AND NOT inherited)::" + column.type_name + "[]) AS b",
              "cannot read the statistics of " + table.name.quoted()));
  return first_column(results);
}

// count - 1 even steps between the key's min and max under the snapshot.
sdk::Result<std::vector<std::string>> stepped_cuts(postgres::Connection& connection,
                                                   const TableInfo& table, const ColumnInfo& column,
                                                   KeyKind kind, uint32_t count) {
  const std::string key = quote_identifier(column.name);
  std::string step;  // the k-th of `count` steps from lo to hi
  switch (kind) {
    case KeyKind::kInteger:
    case KeyKind::kNumeric:
      step = "lo::numeric + (hi::numeric - lo::numeric) * k / " + std::to_string(count);
      if (kind == KeyKind::kInteger) step = "floor(" + step + ")::bigint";
      break;
    case KeyKind::kTimestamp:
      step = "lo + (hi - lo) * (k::float8 / " + std::to_string(count) + ")";
      break;
    case KeyKind::kDate:
      step = "lo + ((hi - lo) * k / " + std::to_string(count) + ")";
      break;
  }
  RB_ASSIGN_OR_RETURN(
      auto results,
      run_sql(connection,
              "SELECT (" + step + ")::text FROM (SELECT min(" + key + ") AS lo, max(" + key +
                  ") AS hi FROM " + table.name.quoted() + ") AS m, pg_catalog.generate_series(1, " +
                  std::to_string(count - 1) + ") AS k WHERE lo IS NOT NULL ORDER BY k",
              "cannot read the range of " + key + " in " + table.name.quoted()));
  return first_column(results);
}

// The slices of a range split at `cuts`: count - 1 ascending bounds (equal
// neighbours make an empty slice), or none when the key has no values (then
// slice 0 reads every row and the others none).
std::vector<std::string> range_slices(const std::vector<std::string>& cuts, uint32_t count) {
  std::vector<std::string> slices;
  for (uint32_t k = 0; k < count; ++k) {
    rapidjson::Document doc(rapidjson::kObjectType);
    if (cuts.empty() && k > 0) {
      doc.AddMember("empty", true, doc.GetAllocator());
    } else {
      const bool first = k == 0 || cuts.empty();
      const bool last = k + 1 == count || cuts.empty();
      set_text(doc, "lower", first ? std::nullopt : std::optional(cuts[k - 1]));
      set_text(doc, "upper", last ? std::nullopt : std::optional(cuts[k]));
    }
    slices.push_back(to_json(doc));
  }
  return slices;
}

sdk::Result<std::vector<std::string>> page_slices(postgres::Connection& connection,
                                                  const TableInfo& table, uint32_t count) {
  if (table.kind != 'r' || table.has_children) {
    return sdk::config_error("stream '" + table.name.stream_name() + "': " + table.name.quoted() +
                                 " is not a plain table, so it cannot be split by heap pages; "
                                 "set partition_key",
                             "PARTITION_KEY_MISSING");
  }
  RB_ASSIGN_OR_RETURN(
      auto pages_text,
      single_value(connection,
                   "SELECT pg_catalog.pg_relation_size(" + quote_literal(table.name.quoted()) +
                       "::regclass) / pg_catalog.current_setting('block_size')::bigint",
                   "cannot read the size of " + table.name.quoted()));
  uint64_t pages = 0;
  if (pages_text)
    std::from_chars(pages_text->data(), pages_text->data() + pages_text->size(), pages);
  std::vector<std::string> slices;
  for (uint32_t k = 0; k < count; ++k) {
    rapidjson::Document doc(rapidjson::kObjectType);
    rapidjson::Value range(rapidjson::kArrayType);
    range.PushBack(pages * k / count, doc.GetAllocator());
    rapidjson::Value upper;  // null: open above
    if (k + 1 < count) upper.SetUint64(pages * (k + 1) / count);
    range.PushBack(upper, doc.GetAllocator());
    doc.AddMember("pages", range, doc.GetAllocator());
    slices.push_back(to_json(doc));
  }
  return slices;
}

std::vector<std::string> mod_slices(uint32_t count) {
  std::vector<std::string> slices;
  slices.reserve(count);
  for (uint32_t k = 0; k < count; ++k) {
    slices.push_back("{\"mod\":" + std::to_string(k) + ",\"of\":" + std::to_string(count) + "}");
  }
  return slices;
}

sdk::Result<const ColumnInfo*> key_column(const TableInfo& table, const std::string& key) {
  const ColumnInfo* column = table.column(key);
  if (!column) {
    return sdk::config_error(
        "partition_key '" + key + "' is not a column of " + table.name.quoted(), "UNKNOWN_COLUMN");
  }
  return column;
}

std::unexpected<protocol::ConnectorError> bad_slice(const protocol::Partition& partition) {
  return sdk::internal_error(
      "partition " + std::to_string(partition.index) + " of " + std::to_string(partition.count) +
          " carries a slice this connector did not plan: '" + partition.slice.value_or("") + "'",
      "BAD_SLICE");
}

std::optional<std::string> text_member(const rapidjson::Value& doc, const char* name, bool& ok) {
  if (!doc.HasMember(name)) {
    ok = false;
    return std::nullopt;
  }
  const rapidjson::Value& v = doc[name];
  if (v.IsNull()) return std::nullopt;
  if (!v.IsString()) ok = false;
  return ok ? std::optional<std::string>(std::string(v.GetString(), v.GetStringLength()))
            : std::nullopt;
}

constexpr const char* kCursorMax = "cursor_max";
template <class T>
std::string number_text(T value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::string();
}

template <class T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The name of `value`'s kind and the value as text; nullopt for a kind no
// cursor column has (CursorColumn's: int64, float64, text, timestamp, date)
// or a cdc stream (lsn).
std::optional<std::pair<const char*, std::string>> bound_text(const protocol::CursorValue& value) {
  namespace kind = protocol::cursor_kind;
  switch (value.index()) {
    case kind::kInt64:
      return std::pair("int64", number_text(std::get<kind::kInt64>(value)));
    case kind::kFloat64:
      // The bits: exact, and wasm's C++ library has no from_chars for double.
      return std::pair("float64",
                       number_text(std::bit_cast<uint64_t>(std::get<kind::kFloat64>(value))));
    case kind::kText:
      return std::pair("text", std::get<kind::kText>(value));
    case kind::kTimestampMicros:
      return std::pair("timestamp_micros", number_text(std::get<kind::kTimestampMicros>(value)));
    case kind::kDateDays:
      return std::pair("date_days", number_text(std::get<kind::kDateDays>(value)));
    case kind::kLsn:
      return std::pair("lsn", number_text(std::get<kind::kLsn>(value)));
    default:
      return std::nullopt;
  }
}

// The inverse of bound_text.
std::optional<protocol::CursorValue> bound_value(std::string_view kind_name,
                                                 std::string_view text) {
  namespace kind = protocol::cursor_kind;
  using protocol::CursorValue;
  if (kind_name == "int64") {
    auto v = parse_number<int64_t>(text);
    return v ? std::optional<CursorValue>(std::in_place, std::in_place_index<kind::kInt64>, *v)
             : std::nullopt;
  }
  if (kind_name == "float64") {
    auto v = parse_number<uint64_t>(text);
    return v ? std::optional<CursorValue>(std::in_place, std::in_place_index<kind::kFloat64>,
                                          std::bit_cast<double>(*v))
             : std::nullopt;
  }
  if (kind_name == "text") {
    return CursorValue(std::in_place_index<kind::kText>, std::string(text));
  }
  if (kind_name == "timestamp_micros") {
    auto v = parse_number<int64_t>(text);
    return v ? std::optional<CursorValue>(std::in_place,
                                          std::in_place_index<kind::kTimestampMicros>, *v)
             : std::nullopt;
  }
  if (kind_name == "date_days") {
    auto v = parse_number<int32_t>(text);
    return v ? std::optional<CursorValue>(std::in_place, std::in_place_index<kind::kDateDays>, *v)
             : std::nullopt;
  }
  if (kind_name == "lsn") {
    auto v = parse_number<uint64_t>(text);
    return v ? std::optional<CursorValue>(std::in_place, std::in_place_index<kind::kLsn>, *v)
             : std::nullopt;
  }
  return std::nullopt;
}

// `slice` (a slice's JSON) with the cursor bound added.
sdk::Result<std::string> with_bound(const std::string& slice, const CursorBound& bound) {
  rapidjson::Document doc;
  doc.Parse(slice.c_str(), slice.size());
  auto& allocator = doc.GetAllocator();
  rapidjson::Value max;  // null: no row had a cursor
  if (bound.max) {
    const auto named = bound_text(*bound.max);
    if (!named) return sdk::internal_error("a cursor of this kind cannot bound a partitioned read");
    const auto& [name, text] = *named;
    max.SetObject();
    max.AddMember(
        rapidjson::StringRef(name),
        rapidjson::Value(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator),
        allocator);
  }
  doc.AddMember(rapidjson::StringRef(kCursorMax), max, allocator);
  return to_json(doc);
}

}  // namespace

sdk::Result<std::optional<CursorBound>> slice_cursor_bound(const protocol::Partition& partition) {
  if (!partition.slice) return bad_slice(partition);
  rapidjson::Document doc;
  doc.Parse(partition.slice->c_str(), partition.slice->size());
  if (doc.HasParseError() || !doc.IsObject()) return bad_slice(partition);
  if (!doc.HasMember(kCursorMax)) return std::nullopt;
  const rapidjson::Value& max = doc[kCursorMax];
  if (max.IsNull()) return std::optional<CursorBound>(CursorBound{});
  if (!max.IsObject() || max.MemberCount() != 1 || !max.MemberBegin()->value.IsString())
    return bad_slice(partition);
  const auto& member = *max.MemberBegin();
  auto value =
      bound_value(member.name.GetString(),
                  std::string_view(member.value.GetString(), member.value.GetStringLength()));
  if (!value) return bad_slice(partition);
  return std::optional<CursorBound>(CursorBound{std::move(value)});
}

// How many slices an auto plan (request.at_most) of `table` makes: one per
// kAutoSliceBytes of its size (its heap and those of its partitions or
// inheritance children), at least one, at most `limit`. A view or foreign
// table has no size here: `limit`.
sdk::Result<uint32_t> auto_slice_count(postgres::Connection& connection, const TableInfo& table,
                                       uint32_t limit) {
  if (table.kind == 'v' || table.kind == 'f') return limit;
  RB_ASSIGN_OR_RETURN(
      auto bytes_text,
      single_value(connection,
                   "WITH RECURSIVE tree(oid) AS (SELECT " + quote_literal(table.name.quoted()) +
                       "::regclass::oid UNION ALL SELECT i.inhrelid FROM pg_catalog.pg_inherits "
                       "i JOIN tree ON i.inhparent = tree.oid) SELECT "
                       "coalesce(sum(pg_catalog.pg_relation_size(oid)), 0) FROM tree",
                   "cannot read the size of " + table.name.quoted()));
  uint64_t bytes = 0;
  if (bytes_text)
    std::from_chars(bytes_text->data(), bytes_text->data() + bytes_text->size(), bytes);
  const uint64_t wanted = (bytes + kAutoSliceBytes - 1) / kAutoSliceBytes;
  return static_cast<uint32_t>(std::clamp<uint64_t>(wanted, 1, std::max<uint32_t>(limit, 1)));
}

sdk::Result<std::vector<protocol::Partition>> plan_partitions(
    postgres::Connection& connection, const TableInfo& table, const protocol::Partition& request,
    const std::optional<CursorBound>& bound) {
  uint32_t count = std::max<uint32_t>(request.count, 1);
  if (request.at_most) {
    RB_ASSIGN_OR_RETURN(count, auto_slice_count(connection, table, count));
  }
  const bool modulo = request.mode.value_or("range") == "mod";
  if (request.mode && *request.mode != "range" && *request.mode != "mod") {
    return sdk::config_error("partition_mode '" + *request.mode + "': use range or mod",
                             "PARTITION_MODE");
  }
  RB_ASSIGN_OR_RETURN(auto snapshot,
                      single_value(connection, "SELECT pg_catalog.pg_export_snapshot()",
                                   "cannot export a snapshot of " + table.name.quoted()));
  std::vector<std::string> slices;
  if (!request.key) {
    if (modulo) {
      return sdk::config_error("partition_mode mod needs a partition_key", "PARTITION_KEY_MISSING");
    }
    RB_ASSIGN_OR_RETURN(slices, page_slices(connection, table, count));
  } else {
    RB_ASSIGN_OR_RETURN(const ColumnInfo* column, key_column(table, *request.key));
    RB_ASSIGN_OR_RETURN(KeyKind kind, key_kind(table, *column, modulo));
    if (modulo) {
      slices = mod_slices(count);
    } else {
      RB_ASSIGN_OR_RETURN(auto values, histogram(connection, table, *column));
      std::vector<std::string> cuts;
      if (values.size() >= 2 * static_cast<size_t>(count)) {  // enough to cut evenly
        cuts = even_cuts(values, count);
      } else {
        RB_ASSIGN_OR_RETURN(cuts, stepped_cuts(connection, table, *column, kind, count));
      }
      slices = range_slices(cuts, count);
    }
  }
  std::vector<protocol::Partition> out;
  for (uint32_t k = 0; k < count; ++k) {
    protocol::Partition p = request;
    p.index = k;
    p.count = count;
    p.snapshot = snapshot;
    p.slice = slices[k];
    if (bound) {
      RB_ASSIGN_OR_RETURN(p.slice, with_bound(slices[k], *bound));
    }
    out.push_back(std::move(p));
  }
  return out;
}

sdk::Result<std::string> slice_filter(const TableInfo& table,
                                      const protocol::Partition& partition) {
  if (!partition.slice) return bad_slice(partition);
  rapidjson::Document doc;
  doc.Parse(partition.slice->c_str(), partition.slice->size());
  if (doc.HasParseError() || !doc.IsObject()) return bad_slice(partition);
  if (doc.HasMember("pages")) {
    const rapidjson::Value& pages = doc["pages"];
    if (!pages.IsArray() || pages.Size() != 2 || !pages[0].IsUint64() ||
        !(pages[1].IsNull() || pages[1].IsUint64())) {
      return bad_slice(partition);
    }
    std::string filter = "ctid >= '(" + std::to_string(pages[0].GetUint64()) + ",0)'::tid";
    if (pages[1].IsUint64()) {
      filter += " AND ctid < '(" + std::to_string(pages[1].GetUint64()) + ",0)'::tid";
    }
    return filter;
  }
  if (!partition.key) return bad_slice(partition);
  RB_ASSIGN_OR_RETURN(const ColumnInfo* column, key_column(table, *partition.key));
  const std::string key = quote_identifier(column->name);
  if (doc.HasMember("mod")) {
    if (!doc["mod"].IsUint() || !doc.HasMember("of") || !doc["of"].IsUint() ||
        doc["of"].GetUint() == 0) {
      return bad_slice(partition);
    }
    const std::string of = std::to_string(doc["of"].GetUint());
    const uint32_t index = doc["mod"].GetUint();
    std::string filter =
        "((" + key + " % " + of + ") + " + of + ") % " + of + " = " + std::to_string(index);
    return index == 0 ? "(" + filter + " OR " + key + " IS NULL)" : filter;
  }
  if (doc.HasMember("empty")) return std::string("false");
  bool ok = true;
  const std::optional<std::string> lower = text_member(doc, "lower", ok);
  const std::optional<std::string> upper = text_member(doc, "upper", ok);
  if (!ok) return bad_slice(partition);
  const std::string type = "::" + column->type_name;
  std::string filter;
  if (lower) filter = key + " >= " + quote_literal(*lower) + type;
  if (upper) {
    filter += (filter.empty() ? "" : " AND ") + key + " < " + quote_literal(*upper) + type;
  }
  if (!lower) {
    // The first slice also holds the rows without a key.
    filter = filter.empty() ? "true" : "(" + filter + " OR " + key + " IS NULL)";
  }
  return filter;
}

}  // namespace rapidbyte::connectors::source_postgres
