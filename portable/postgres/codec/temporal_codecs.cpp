// Dates, times, timestamps and intervals. PostgreSQL counts from
// 2000-01-01, Arrow from 1970-01-01; ±infinity maps to the extreme values of
// the Arrow type (INT32_MAX/MIN days, INT64_MAX/MIN ticks) and back, so it
// round-trips. timetz has no Arrow equivalent: it is utf8 in PostgreSQL's
// ISO text form ("13:45:00.5+05:30").
#include <limits>

#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/month_day_nano.hpp"
#include "portable/arrow/primitive_array.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/base/try.hpp"
#include "portable/postgres/codec/codec_factories.hpp"
#include "portable/postgres/codec/type_oids.hpp"
#include "portable/postgres/codec/wire.hpp"

namespace rapidbyte::postgres::codecs {
namespace {

constexpr int32_t kEpochDaysDelta = 10957;                // 1970-01-01 to 2000-01-01
constexpr int64_t kEpochMicrosDelta = 946684800000000LL;  // same, in microseconds
constexpr int64_t kMicrosPerDay = 86400000000LL;

class DateCodec : public ValueCodec {
 public:
  DateCodec() : ValueCodec(oid::kDate) {}
  arrow::Field field(std::string name) const override {
    return arrow::field(std::move(name), arrow::date32());
  }
  Result<void> decode(std::span<const uint8_t> bytes, arrow::ArrayBuilder& b) const override {
    RB_TRY(wire::expect_size(bytes, 4, "date"));
    const int32_t pg = wire::load_be<int32_t>(bytes.data());
    int32_t days = pg;
    if (pg != std::numeric_limits<int32_t>::max() && pg != std::numeric_limits<int32_t>::min()) {
      days = pg + kEpochDaysDelta;  // PostgreSQL's date range keeps this in int32
      if (pg > std::numeric_limits<int32_t>::max() - kEpochDaysDelta) {
        return fail(data_error("date out of range"));
      }
    }
    static_cast<arrow::Int32Builder&>(b).append(days);
    return {};
  }
  Result<void> encode(const arrow::Array& a, int64_t row,
                      std::vector<uint8_t>& out) const override {
    if (a.type().id() != arrow::TypeId::kDate32) return fail(wire::cannot_encode(a, "date"));
    const int32_t days = arrow::Date32Array(a).value(row);
    int32_t pg = days;
    if (days != std::numeric_limits<int32_t>::max() &&
        days != std::numeric_limits<int32_t>::min()) {
      if (days < std::numeric_limits<int32_t>::min() + kEpochDaysDelta) {
        return fail(data_error("date out of range"));
      }
      pg = days - kEpochDaysDelta;
    }
    wire::append_be(out, pg);
    return {};
  }
};

// Ticks per second of an Arrow time unit.
int64_t ticks_per_second(arrow::TimeUnit unit) {
  switch (unit) {
    case arrow::TimeUnit::kSecond:
      return 1;
    case arrow::TimeUnit::kMilli:
      return 1000;
    case arrow::TimeUnit::kMicro:
      return 1000000;
    case arrow::TimeUnit::kNano:
      return 1000000000;
  }
  return 1000000;
}

// Arrow ticks of `unit` to microseconds; a data error on overflow or when
// nanoseconds would be lost.
Result<int64_t> to_micros(int64_t ticks, arrow::TimeUnit unit) {
  const int64_t per_second = ticks_per_second(unit);
  if (per_second > 1000000) {
    if (ticks % 1000 != 0) return fail(data_error("sub-microsecond value cannot be stored"));
    return ticks / 1000;
  }
  const int64_t factor = 1000000 / per_second;
  int64_t micros = 0;
  if (__builtin_mul_overflow(ticks, factor, &micros))
    return fail(data_error("time value out of range"));
  return micros;
}

class TimestampCodec : public ValueCodec {
 public:
  explicit TimestampCodec(uint32_t oid) : ValueCodec(oid) {}
  arrow::Field field(std::string name) const override {
    return arrow::field(
        std::move(name),
        arrow::timestamp(arrow::TimeUnit::kMicro, type_oid() == oid::kTimestamptz ? "UTC" : ""));
  }
  Result<void> decode(std::span<const uint8_t> bytes, arrow::ArrayBuilder& b) const override {
    return decode_value(bytes, static_cast<arrow::Int64Builder&>(b));
  }
  Result<void> decode_column(std::span<const FieldRef> fields,
                             arrow::ArrayBuilder& b) const override {
    return wire::decode_fields<arrow::Int64Builder>(fields, b, &TimestampCodec::decode_value);
  }
  Result<void> encode(const arrow::Array& a, int64_t row,
                      std::vector<uint8_t>& out) const override {
    if (a.type().id() != arrow::TypeId::kTimestamp)
      return fail(wire::cannot_encode(a, "timestamp"));
    RB_ASSIGN_OR_RETURN(int64_t pg, to_pg(arrow::TimestampArray(a).value(row), a.type().unit()));
    wire::append_be(out, pg);
    return {};
  }
  // Checks every value here, so write_column() cannot fail.
  Result<void> measure_column(const arrow::Array& a, int64_t begin, int64_t end,
                              std::span<int32_t> sizes, std::vector<uint8_t>&) const override {
    if (a.type().id() != arrow::TypeId::kTimestamp)
      return fail(wire::cannot_encode(a, "timestamp"));
    wire::measure_fixed(a, begin, end, 8, sizes);
    const arrow::TimestampArray values(a);
    for (int64_t row = begin; row < end; ++row) {
      if (sizes[static_cast<size_t>(row - begin)] < 0) continue;
      RB_TRY(to_pg(values.value(row), a.type().unit()));
    }
    return {};
  }
  void write_column(const arrow::Array& a, int64_t begin, int64_t end,
                    std::span<const int32_t> sizes, const std::vector<uint8_t>&, uint8_t* out,
                    std::span<size_t> cursors) const override {
    const arrow::TimestampArray values(a);
    const arrow::TimeUnit unit = a.type().unit();
    wire::write_fields(begin, end, sizes, out, cursors, [&](int64_t row, uint8_t* to, int32_t) {
      wire::store_be(to, *to_pg(values.value(row), unit));
    });
  }

 private:
  static bool is_infinite(int64_t v) {
    return v == std::numeric_limits<int64_t>::max() || v == std::numeric_limits<int64_t>::min();
  }

  static Result<void> decode_value(std::span<const uint8_t> bytes, arrow::Int64Builder& b) {
    RB_TRY(wire::expect_size(bytes, 8, "timestamp"));
    const int64_t pg = wire::load_be<int64_t>(bytes.data());
    int64_t micros = pg;
    if (!is_infinite(pg) && __builtin_add_overflow(pg, kEpochMicrosDelta, &micros)) {
      return fail(data_error("timestamp out of range"));
    }
    b.append(micros);
    return {};
  }

  // Arrow ticks of `unit` as PostgreSQL microseconds since 2000-01-01.
  static Result<int64_t> to_pg(int64_t ticks, arrow::TimeUnit unit) {
    if (is_infinite(ticks)) return ticks;
    RB_ASSIGN_OR_RETURN(int64_t micros, to_micros(ticks, unit));
    int64_t pg = 0;
    if (__builtin_sub_overflow(micros, kEpochMicrosDelta, &pg) || is_infinite(pg)) {
      return fail(data_error("timestamp out of range"));
    }
    return pg;
  }
};

class TimeCodec : public ValueCodec {
 public:
  TimeCodec() : ValueCodec(oid::kTime) {}
  arrow::Field field(std::string name) const override {
    return arrow::field(std::move(name), arrow::time64(arrow::TimeUnit::kMicro));
  }
  Result<void> decode(std::span<const uint8_t> bytes, arrow::ArrayBuilder& b) const override {
    RB_TRY(wire::expect_size(bytes, 8, "time"));
    static_cast<arrow::Int64Builder&>(b).append(wire::load_be<int64_t>(bytes.data()));
    return {};
  }
  Result<void> encode(const arrow::Array& a, int64_t row,
                      std::vector<uint8_t>& out) const override {
    if (a.type().id() != arrow::TypeId::kTime64) return fail(wire::cannot_encode(a, "time"));
    RB_ASSIGN_OR_RETURN(int64_t micros,
                        to_micros(arrow::Time64Array(a).value(row), a.type().unit()));
    if (micros < 0 || micros > kMicrosPerDay) return fail(data_error("time of day out of range"));
    wire::append_be(out, micros);
    return {};
  }
};

void append_two_digits(std::string& out, int64_t v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

// "HH:MM:SS[.ffffff]" with trailing fraction zeros dropped, as PostgreSQL prints.
void append_time_of_day(std::string& out, int64_t micros) {
  append_two_digits(out, micros / 3600000000LL);
  out += ':';
  append_two_digits(out, micros / 60000000 % 60);
  out += ':';
  append_two_digits(out, micros / 1000000 % 60);
  int64_t frac = micros % 1000000;
  if (frac != 0) {
    std::string digits(6, '0');
    for (int i = 5; i >= 0; --i, frac /= 10)
      digits[static_cast<size_t>(i)] = static_cast<char>('0' + frac % 10);
    while (digits.back() == '0') digits.pop_back();
    out += '.' + digits;
  }
}

// Parses up to `max` decimal digits; at least one.
bool parse_digits(std::string_view& s, int max, int64_t& v, int* count = nullptr) {
  int n = 0;
  v = 0;
  while (n < max && !s.empty() && s[0] >= '0' && s[0] <= '9') {
    v = v * 10 + (s[0] - '0');
    s.remove_prefix(1);
    ++n;
  }
  if (count != nullptr) *count = n;
  return n > 0;
}

class TimetzCodec : public ValueCodec {
 public:
  TimetzCodec() : ValueCodec(oid::kTimetz) {}
  arrow::Field field(std::string name) const override {
    return arrow::field(std::move(name), arrow::utf8());
  }
  Result<void> decode(std::span<const uint8_t> bytes, arrow::ArrayBuilder& b) const override {
    RB_TRY(wire::expect_size(bytes, 12, "timetz"));
    const int64_t micros = wire::load_be<int64_t>(bytes.data());
    const int32_t zone_west = wire::load_be<int32_t>(bytes.data() + 8);
    if (micros < 0 || micros > kMicrosPerDay || zone_west < -57600 || zone_west > 57600) {
      return fail(data_error("timetz out of range"));
    }
    std::string text;
    append_time_of_day(text, micros);
    const int32_t offset = -zone_west;  // seconds east of UTC
    const int32_t abs = offset < 0 ? -offset : offset;
    text += offset < 0 ? '-' : '+';
    append_two_digits(text, abs / 3600);
    if (abs % 3600 != 0) {
      text += ':';
      append_two_digits(text, abs / 60 % 60);
      if (abs % 60 != 0) {
        text += ':';
        append_two_digits(text, abs % 60);
      }
    }
    static_cast<arrow::BinaryBuilder&>(b).append(text);
    return {};
  }
  Result<void> encode(const arrow::Array& a, int64_t row,
                      std::vector<uint8_t>& out) const override {
    RB_ASSIGN_OR_RETURN(std::string_view text, wire::string_slot(a, row));
    std::string_view s = text;
    auto bad = [&] {
      return fail(data_error("not a timetz in ISO form: \"" + std::string(text) + "\""));
    };
    int64_t h = 0, m = 0, sec = 0, frac = 0;
    if (!parse_digits(s, 2, h) || s.empty() || s[0] != ':') return bad();
    s.remove_prefix(1);
    if (!parse_digits(s, 2, m)) return bad();
    if (!s.empty() && s[0] == ':') {
      s.remove_prefix(1);
      if (!parse_digits(s, 2, sec)) return bad();
    }
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      int n = 0;
      if (!parse_digits(s, 6, frac, &n)) return bad();
      for (; n < 6; ++n) frac *= 10;
    }
    if (s.empty() || (s[0] != '+' && s[0] != '-')) return bad();
    const bool east = s[0] == '+';
    s.remove_prefix(1);
    int64_t oh = 0, om = 0, os = 0;
    if (!parse_digits(s, 2, oh)) return bad();
    if (!s.empty() && s[0] == ':') {
      s.remove_prefix(1);
      if (!parse_digits(s, 2, om)) return bad();
      if (!s.empty() && s[0] == ':') {
        s.remove_prefix(1);
        if (!parse_digits(s, 2, os)) return bad();
      }
    }
    const int64_t micros = ((h * 60 + m) * 60 + sec) * 1000000 + frac;
    if (!s.empty() || micros > kMicrosPerDay || m > 59 || sec > 59) return bad();
    const int64_t offset = oh * 3600 + om * 60 + os;
    wire::append_be(out, micros);
    wire::append_be(out, static_cast<int32_t>(east ? -offset : offset));
    return {};
  }
};

class IntervalCodec : public ValueCodec {
 public:
  IntervalCodec() : ValueCodec(oid::kInterval) {}
  arrow::Field field(std::string name) const override {
    return arrow::field(std::move(name), arrow::month_day_nano_interval());
  }
  Result<void> decode(std::span<const uint8_t> bytes, arrow::ArrayBuilder& b) const override {
    RB_TRY(wire::expect_size(bytes, 16, "interval"));
    arrow::MonthDayNano v;
    const int64_t micros = wire::load_be<int64_t>(bytes.data());
    v.days = wire::load_be<int32_t>(bytes.data() + 8);
    v.months = wire::load_be<int32_t>(bytes.data() + 12);
    if (__builtin_mul_overflow(micros, int64_t{1000}, &v.nanoseconds)) {
      return fail(data_error("interval time part does not fit in int64 nanoseconds"));
    }
    static_cast<arrow::PrimitiveBuilder<arrow::MonthDayNano>&>(b).append(v);
    return {};
  }
  Result<void> encode(const arrow::Array& a, int64_t row,
                      std::vector<uint8_t>& out) const override {
    if (a.type().id() != arrow::TypeId::kIntervalMonthDayNano) {
      return fail(wire::cannot_encode(a, "interval"));
    }
    const arrow::MonthDayNano v = arrow::MonthDayNanoArray(a).value(row);
    if (v.nanoseconds % 1000 != 0) {
      return fail(data_error("interval with sub-microsecond part cannot be stored"));
    }
    wire::append_be(out, v.nanoseconds / 1000);
    wire::append_be(out, v.days);
    wire::append_be(out, v.months);
    return {};
  }
};

}  // namespace

std::unique_ptr<ValueCodec> make_temporal(uint32_t type_oid) {
  switch (type_oid) {
    case oid::kDate:
      return std::make_unique<DateCodec>();
    case oid::kTime:
      return std::make_unique<TimeCodec>();
    case oid::kTimetz:
      return std::make_unique<TimetzCodec>();
    case oid::kTimestamp:
    case oid::kTimestamptz:
      return std::make_unique<TimestampCodec>(type_oid);
    case oid::kInterval:
      return std::make_unique<IntervalCodec>();
    default:
      return nullptr;
  }
}

}  // namespace rapidbyte::postgres::codecs
