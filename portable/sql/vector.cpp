#include "portable/sql/vector.hpp"

#include <cstring>

#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/bit_util.hpp"
#include "portable/arrow/boolean_array.hpp"
#include "portable/arrow/fixed_size_binary_array.hpp"
#include "portable/arrow/list_builder.hpp"
#include "portable/arrow/primitive_array.hpp"

namespace rapidbyte::sql {

// ---- StringHeap ---------------------------------------------------------------

char* StringHeap::reserve(size_t n) {
  if (n > left_) {
    const size_t block = n > (size_t{64} << 10) ? n : (size_t{64} << 10);
    blocks_.push_back(std::unique_ptr<char[]>(new char[block]));
    cursor_ = blocks_.back().get();
    left_ = block;
  }
  return cursor_;
}

std::string_view StringHeap::commit(char* begin, size_t used) {
  cursor_ = begin + used;
  left_ -= used;
  return std::string_view(begin, used);
}

std::string_view StringHeap::add(std::string_view s) {
  if (s.empty()) return {};
  char* p = reserve(s.size());
  std::memcpy(p, s.data(), s.size());
  return commit(p, s.size());
}

StringHeap& Vector::heap() {
  if (!heap_) {
    heap_ = std::make_shared<StringHeap>();
    keep.push_back(heap_);
  }
  return *heap_;
}

// ---- construction -------------------------------------------------------------

namespace {

void allocate(Vector& v, size_t n) {
  switch (v.type.id) {
    case TypeId::kFloat64:
      v.f64.resize(n);
      break;
    case TypeId::kNumeric:
      v.dec.resize(n);
      break;
    case TypeId::kText:
    case TypeId::kUnknown:
      v.str.resize(n);
      break;
    case TypeId::kInterval:
      v.iv.resize(n);
      break;
    case TypeId::kTextList:
      v.list.resize(n);
      break;
    case TypeId::kNull:
    case TypeId::kOpaque:
      break;
    default:
      v.i64.resize(n);
  }
}

// An owned Arrow buffer over the bytes of `bytes`.
arrow::Buffer own(std::vector<uint8_t> bytes) {
  auto holder = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
  return arrow::Buffer(std::span<const uint8_t>(holder->data(), holder->size()), holder);
}

template <class T>
arrow::Buffer own_values(std::vector<T> values) {
  auto holder = std::make_shared<std::vector<T>>(std::move(values));
  return arrow::Buffer(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(holder->data()),
                                                holder->size() * sizeof(T)),
                       holder);
}

}  // namespace

Vector make_vector(const SqlType& type, int64_t size) {
  Vector v;
  v.type = type;
  v.size = size;
  allocate(v, static_cast<size_t>(size));
  return v;
}

Vector null_vector(const SqlType& type, int64_t size) {
  Vector v;
  v.type = type;
  v.size = size;
  v.constant = true;
  allocate(v, 1);
  v.nulls.assign(1, 1);
  if (type.id == TypeId::kOpaque) v.opaque = arrow::Array::make_null(1);
  return v;
}

// ---- loading Arrow columns ----------------------------------------------------------

namespace {

template <class T, class Out, class Convert>
void load_fixed(const arrow::Array& array, Selection sel, std::vector<Out>& out, Convert convert) {
  const uint8_t* base = array.data().values.data() + array.offset() * int64_t{sizeof(T)};
  out.resize(static_cast<size_t>(sel.count));
  for (int64_t i = 0; i < sel.count; ++i) {
    T v;
    std::memcpy(&v, base + sel[i] * int64_t{sizeof(T)}, sizeof(T));
    out[static_cast<size_t>(i)] = convert(v);
  }
}

template <class T>
void load_int(const arrow::Array& array, Selection sel, std::vector<int64_t>& out) {
  load_fixed<T>(array, sel, out, [](T v) { return static_cast<int64_t>(v); });
}

}  // namespace

Vector load_column(const arrow::Array& array, const SqlType& type, Selection sel) {
  Vector v;
  v.type = type;
  v.size = sel.count;
  if (array.null_count() > 0 || array.type().id() == arrow::TypeId::kNull) {
    v.nulls.resize(static_cast<size_t>(sel.count));
    for (int64_t i = 0; i < sel.count; ++i) v.nulls[static_cast<size_t>(i)] = array.is_null(sel[i]);
  }
  using AT = arrow::TypeId;
  switch (array.type().id()) {
    case AT::kBool: {
      const arrow::BooleanArray b(array);
      v.i64.resize(static_cast<size_t>(sel.count));
      for (int64_t i = 0; i < sel.count; ++i) v.i64[static_cast<size_t>(i)] = b.value(sel[i]);
      break;
    }
    case AT::kInt8:
      load_int<int8_t>(array, sel, v.i64);
      break;
    case AT::kUInt8:
      load_int<uint8_t>(array, sel, v.i64);
      break;
    case AT::kInt16:
      load_int<int16_t>(array, sel, v.i64);
      break;
    case AT::kUInt16:
      load_int<uint16_t>(array, sel, v.i64);
      break;
    case AT::kInt32:
    case AT::kDate32:
      load_int<int32_t>(array, sel, v.i64);
      break;
    case AT::kUInt32:
      load_int<uint32_t>(array, sel, v.i64);
      break;
    case AT::kInt64:
      load_int<int64_t>(array, sel, v.i64);
      break;
    case AT::kTimestamp: {
      // Microseconds whatever the unit.
      const arrow::TimeUnit unit = array.type().unit();
      const int64_t mul = unit == arrow::TimeUnit::kSecond  ? 1000000
                          : unit == arrow::TimeUnit::kMilli ? 1000
                                                            : 1;
      const int64_t div = unit == arrow::TimeUnit::kNano ? 1000 : 1;
      load_fixed<int64_t>(array, sel, v.i64, [&](int64_t x) {
        if (div != 1) return x / div - (x % div < 0 ? 1 : 0);
        return x * mul;
      });
      break;
    }
    case AT::kFloat32:
      load_fixed<float>(array, sel, v.f64, [](float x) { return static_cast<double>(x); });
      break;
    case AT::kFloat64:
      load_fixed<double>(array, sel, v.f64, [](double x) { return x; });
      break;
    case AT::kDecimal128:
      load_fixed<__int128>(array, sel, v.dec, [](__int128 x) { return x; });
      break;
    case AT::kIntervalMonthDayNano:
      load_fixed<arrow::MonthDayNano>(array, sel, v.iv, [](arrow::MonthDayNano x) { return x; });
      break;
    case AT::kUtf8: {
      const arrow::StringArray s(array);
      v.str.resize(static_cast<size_t>(sel.count));
      for (int64_t i = 0; i < sel.count; ++i) v.str[static_cast<size_t>(i)] = s.value(sel[i]);
      v.keep.push_back(array.data().data.owner());
      break;
    }
    case AT::kLargeUtf8: {
      const arrow::LargeStringArray s(array);
      v.str.resize(static_cast<size_t>(sel.count));
      for (int64_t i = 0; i < sel.count; ++i) v.str[static_cast<size_t>(i)] = s.value(sel[i]);
      v.keep.push_back(array.data().data.owner());
      break;
    }
    case AT::kNull:
      allocate(v, static_cast<size_t>(sel.count));
      break;
    default: {
      auto taken = take(array, sel);
      v.opaque = taken ? std::move(*taken) : arrow::Array::make_null(sel.count);
      break;
    }
  }
  return v;
}

// ---- gather -------------------------------------------------------------------------

namespace {

template <class T>
void gather_into(const std::vector<T>& in, Selection sel, std::vector<T>& out) {
  out.resize(static_cast<size_t>(sel.count));
  for (int64_t i = 0; i < sel.count; ++i)
    out[static_cast<size_t>(i)] = in[static_cast<size_t>(sel[i])];
}

}  // namespace

Vector gather(const Vector& v, Selection sel) {
  if (v.constant) {
    Vector out = v;
    out.size = sel.count;
    return out;
  }
  Vector out;
  out.type = v.type;
  out.size = sel.count;
  out.keep = v.keep;
  if (!v.nulls.empty()) gather_into(v.nulls, sel, out.nulls);
  if (!v.i64.empty()) gather_into(v.i64, sel, out.i64);
  if (!v.f64.empty()) gather_into(v.f64, sel, out.f64);
  if (!v.dec.empty()) gather_into(v.dec, sel, out.dec);
  if (!v.str.empty()) gather_into(v.str, sel, out.str);
  if (!v.iv.empty()) gather_into(v.iv, sel, out.iv);
  if (!v.list.empty()) gather_into(v.list, sel, out.list);
  if (v.type.id == TypeId::kOpaque) {
    auto taken = take(v.opaque, sel);
    out.opaque = taken ? std::move(*taken) : arrow::Array::make_null(sel.count);
  }
  return out;
}

void copy_slot(const Vector& src, int64_t from, Vector& dst, int64_t to) {
  const size_t f = static_cast<size_t>(src.at(from));
  const size_t t = static_cast<size_t>(to);
  if (src.is_null(from)) {
    dst.set_null(to);
    return;
  }
  if (!dst.nulls.empty()) dst.nulls[t] = 0;
  switch (src.type.id) {
    case TypeId::kFloat64:
      dst.f64[t] = src.f64[f];
      break;
    case TypeId::kNumeric:
      dst.dec[t] = src.dec[f];
      break;
    case TypeId::kText:
    case TypeId::kUnknown:
      dst.str[t] = src.str[f];
      break;
    case TypeId::kInterval:
      dst.iv[t] = src.iv[f];
      break;
    case TypeId::kTextList:
      dst.list[t] = src.list[f];
      break;
    case TypeId::kNull:
    case TypeId::kOpaque:
      break;
    default:
      dst.i64[t] = src.i64[f];
  }
}

// ---- to Arrow -----------------------------------------------------------------------

namespace {

// Validity bitmap and null count of `v` over v.size rows.
int64_t validity(const Vector& v, arrow::Buffer& out) {
  if (v.nulls.empty()) return 0;
  std::vector<uint8_t> bits(static_cast<size_t>((v.size + 7) / 8), 0);
  int64_t nulls = 0;
  for (int64_t i = 0; i < v.size; ++i) {
    if (v.is_null(i)) {
      ++nulls;
    } else {
      bits[static_cast<size_t>(i >> 3)] |= static_cast<uint8_t>(1u << (i & 7));
    }
  }
  if (nulls > 0) out = own(std::move(bits));
  return nulls;
}

template <class Out, class In>
arrow::Buffer fixed_values(const Vector& v, const std::vector<In>& in) {
  std::vector<Out> out(static_cast<size_t>(v.size));
  if (v.constant) {
    const Out value = in.empty() ? Out{} : static_cast<Out>(in[0]);
    for (auto& o : out) o = value;
  } else {
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<Out>(in[i]);
  }
  return own_values(std::move(out));
}

}  // namespace

Result<arrow::Array> to_arrow_array(const Vector& v) {
  if (v.type.id == TypeId::kOpaque) {
    if (!v.constant) return v.opaque;
    return arrow::Array::make_null(v.size);
  }
  if (v.type.id == TypeId::kNull) return arrow::Array::make_null(v.size);
  arrow::ArrayData data;
  data.type = to_arrow(v.type);
  data.length = v.size;
  data.null_count = validity(v, data.validity);
  switch (v.type.id) {
    case TypeId::kBool: {
      std::vector<uint8_t> bits(static_cast<size_t>((v.size + 7) / 8), 0);
      for (int64_t i = 0; i < v.size; ++i) {
        if (v.i64[static_cast<size_t>(v.at(i))]) {
          bits[static_cast<size_t>(i >> 3)] |= static_cast<uint8_t>(1u << (i & 7));
        }
      }
      data.values = own(std::move(bits));
      break;
    }
    case TypeId::kInt16:
      data.values = fixed_values<int16_t>(v, v.i64);
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      data.values = fixed_values<int32_t>(v, v.i64);
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      data.values = fixed_values<int64_t>(v, v.i64);
      break;
    case TypeId::kFloat64:
      data.values = fixed_values<double>(v, v.f64);
      break;
    case TypeId::kNumeric:
      data.values = fixed_values<__int128>(v, v.dec);
      break;
    case TypeId::kInterval: {
      std::vector<arrow::MonthDayNano> out(static_cast<size_t>(v.size));
      for (int64_t i = 0; i < v.size; ++i)
        out[static_cast<size_t>(i)] = v.iv[static_cast<size_t>(v.at(i))];
      data.values = own_values(std::move(out));
      break;
    }
    case TypeId::kText:
    case TypeId::kUnknown: {
      std::vector<int32_t> offsets(static_cast<size_t>(v.size) + 1);
      int64_t total = 0;
      for (int64_t i = 0; i < v.size; ++i) {
        if (!v.is_null(i))
          total += static_cast<int64_t>(v.str[static_cast<size_t>(v.at(i))].size());
      }
      if (total > INT32_MAX) return data_error("text column holds more than 2 GiB in one batch");
      std::vector<uint8_t> chars(static_cast<size_t>(total));
      int64_t pos = 0;
      for (int64_t i = 0; i < v.size; ++i) {
        offsets[static_cast<size_t>(i)] = static_cast<int32_t>(pos);
        if (v.is_null(i)) continue;
        std::string_view s = v.str[static_cast<size_t>(v.at(i))];
        if (!s.empty()) std::memcpy(chars.data() + pos, s.data(), s.size());
        pos += static_cast<int64_t>(s.size());
      }
      offsets[static_cast<size_t>(v.size)] = static_cast<int32_t>(pos);
      data.values = own_values(std::move(offsets));
      data.data = own(std::move(chars));
      break;
    }
    case TypeId::kTextList: {
      arrow::ListBuilder builder(data.type);
      auto& values = builder.value_builder_as<arrow::BinaryBuilder>();
      for (int64_t i = 0; i < v.size; ++i) {
        if (v.is_null(i)) {
          builder.append_null();
          continue;
        }
        builder.append();
        for (std::string_view s : v.list[static_cast<size_t>(v.at(i))]) values.append(s);
      }
      auto array = builder.finish();
      if (!array) return data_error(array.error().message);
      return std::move(*array);
    }
    default:
      return data_error("cannot write a " + v.type.name() + " column");
  }
  return arrow::Array(std::move(data));
}

// ---- take ---------------------------------------------------------------------------

Result<arrow::Array> take(const arrow::Array& array, Selection sel) {
  arrow::ArrayData data;
  data.type = array.type();
  data.length = sel.count;
  if (array.type().id() == arrow::TypeId::kNull) return arrow::Array::make_null(sel.count);
  if (array.null_count() > 0) {
    std::vector<uint8_t> bits(static_cast<size_t>((sel.count + 7) / 8), 0);
    int64_t nulls = 0;
    for (int64_t i = 0; i < sel.count; ++i) {
      if (array.is_null(sel[i])) {
        ++nulls;
      } else {
        bits[static_cast<size_t>(i >> 3)] |= static_cast<uint8_t>(1u << (i & 7));
      }
    }
    data.null_count = nulls;
    if (nulls > 0) data.validity = own(std::move(bits));
  }
  switch (array.type().layout()) {
    case arrow::Layout::kBitmap: {
      std::vector<uint8_t> bits(static_cast<size_t>((sel.count + 7) / 8), 0);
      const uint8_t* in = array.data().values.data();
      for (int64_t i = 0; i < sel.count; ++i) {
        if (arrow::bit_util::get_bit(in, array.offset() + sel[i])) {
          bits[static_cast<size_t>(i >> 3)] |= static_cast<uint8_t>(1u << (i & 7));
        }
      }
      data.values = own(std::move(bits));
      break;
    }
    case arrow::Layout::kFixedWidth: {
      const int64_t w = array.type().byte_width();
      const uint8_t* in = array.data().values.data() + array.offset() * w;
      std::vector<uint8_t> out(static_cast<size_t>(sel.count * w));
      if (w == 8) {
        for (int64_t i = 0; i < sel.count; ++i) std::memcpy(out.data() + i * 8, in + sel[i] * 8, 8);
      } else {
        for (int64_t i = 0; i < sel.count; ++i) {
          std::memcpy(out.data() + i * w, in + sel[i] * w, static_cast<size_t>(w));
        }
      }
      data.values = own(std::move(out));
      break;
    }
    case arrow::Layout::kVarBinary: {
      const arrow::BinaryArray in(array);
      std::vector<int32_t> offsets(static_cast<size_t>(sel.count) + 1);
      int64_t total = 0;
      for (int64_t i = 0; i < sel.count; ++i)
        total += static_cast<int64_t>(in.value(sel[i]).size());
      if (total > INT32_MAX) return data_error("column holds more than 2 GiB in one batch");
      std::vector<uint8_t> chars(static_cast<size_t>(total));
      int64_t pos = 0;
      for (int64_t i = 0; i < sel.count; ++i) {
        offsets[static_cast<size_t>(i)] = static_cast<int32_t>(pos);
        std::string_view s = in.value(sel[i]);
        if (!s.empty()) std::memcpy(chars.data() + pos, s.data(), s.size());
        pos += static_cast<int64_t>(s.size());
      }
      offsets[static_cast<size_t>(sel.count)] = static_cast<int32_t>(pos);
      data.values = own_values(std::move(offsets));
      data.data = own(std::move(chars));
      break;
    }
    case arrow::Layout::kLargeVarBinary: {
      const arrow::LargeBinaryArray in(array);
      std::vector<int64_t> offsets(static_cast<size_t>(sel.count) + 1);
      std::vector<uint8_t> chars;
      for (int64_t i = 0; i < sel.count; ++i) {
        offsets[static_cast<size_t>(i)] = static_cast<int64_t>(chars.size());
        std::string_view s = in.value(sel[i]);
        chars.insert(chars.end(), s.begin(), s.end());
      }
      offsets[static_cast<size_t>(sel.count)] = static_cast<int64_t>(chars.size());
      data.values = own_values(std::move(offsets));
      data.data = own(std::move(chars));
      break;
    }
    default:
      return data_error("cannot select rows of a " + array.type().to_string() + " column");
  }
  return arrow::Array(std::move(data));
}

}  // namespace rapidbyte::sql
