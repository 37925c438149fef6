#include "portable/parquet/column_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "portable/arrow/bit_util.hpp"

namespace rapidbyte::parquet {

namespace {

template <class T>
T load(std::span<const uint8_t> bytes) {
  return arrow::bit_util::load<T>(bytes.data());
}

std::span<const uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Unsigned lexicographic order. memcmp, not a byte loop: this runs twice per
// value written (against the bounds), and guests' memcmp compares words.
bool bytes_less(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  const size_t common = std::min(a.size(), b.size());
  const int order = common == 0 ? 0 : std::memcmp(a.data(), b.data(), common);
  return order != 0 ? order < 0 : a.size() < b.size();
}

}  // namespace

SortOrder sort_order_of(const SchemaElement& element) {
  const bool is_unsigned = element.logical_type &&
                           element.logical_type->kind == LogicalType::Kind::kInteger &&
                           !element.logical_type->is_signed;
  switch (element.type.value_or(PhysicalType::kByteArray)) {
    case PhysicalType::kBoolean:
      return SortOrder::kBoolean;
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      return is_unsigned ? SortOrder::kUnsigned : SortOrder::kSigned;
    case PhysicalType::kFloat:
      return SortOrder::kFloat;
    case PhysicalType::kDouble:
      return SortOrder::kDouble;
    case PhysicalType::kFixedLenByteArray:
      if (element.logical_type && element.logical_type->kind == LogicalType::Kind::kDecimal) {
        return SortOrder::kSignedBigEndian;
      }
      return SortOrder::kBytes;
    default:
      return SortOrder::kBytes;
  }
}

bool ColumnStatistics::less(std::span<const uint8_t> a, std::span<const uint8_t> b) const {
  switch (order_) {
    case SortOrder::kSigned:
      return a.size() == 4 ? load<int32_t>(a) < load<int32_t>(b)
                           : load<int64_t>(a) < load<int64_t>(b);
    case SortOrder::kUnsigned:
      return a.size() == 4 ? load<uint32_t>(a) < load<uint32_t>(b)
                           : load<uint64_t>(a) < load<uint64_t>(b);
    case SortOrder::kFloat:
      return load<float>(a) < load<float>(b);
    case SortOrder::kDouble:
      return load<double>(a) < load<double>(b);
    case SortOrder::kSignedBigEndian: {
      // The sign bit decides first; then the bytes compare as unsigned.
      const bool a_negative = (a[0] & 0x80) != 0, b_negative = (b[0] & 0x80) != 0;
      if (a_negative != b_negative) return a_negative;
      return bytes_less(a, b);
    }
    case SortOrder::kBoolean:
    case SortOrder::kBytes:
      return bytes_less(a, b);
  }
  return false;
}

void ColumnStatistics::observe(std::span<const uint8_t> value) {
  // NaN has no place in an order: readers ignore bounds that hold one.
  if (order_ == SortOrder::kFloat && std::isnan(load<float>(value))) return;
  if (order_ == SortOrder::kDouble && std::isnan(load<double>(value))) return;
  if (value.size() > kMaxBoundBytes) {
    too_long_ = true;
    return;
  }
  if (!has_bounds_) {
    min_.assign(value.begin(), value.end());
    max_ = min_;
    has_bounds_ = true;
    return;
  }
  if (less(value, bytes_of(min_))) min_.assign(value.begin(), value.end());
  if (less(bytes_of(max_), value)) max_.assign(value.begin(), value.end());
}

Statistics ColumnStatistics::take() {
  Statistics out;
  out.null_count = nulls_;
  if (has_bounds_ && !too_long_) {
    // A zero bound is written as -0.0 (min) and +0.0 (max), so that a
    // reader comparing with either zero keeps the chunk (the format's rule).
    if (order_ == SortOrder::kFloat) {
      if (load<float>(bytes_of(min_)) == 0.0f) {
        const float z = -0.0f;
        min_.assign(reinterpret_cast<const char*>(&z), 4);
      }
      if (load<float>(bytes_of(max_)) == 0.0f) {
        const float z = 0.0f;
        max_.assign(reinterpret_cast<const char*>(&z), 4);
      }
    }
    if (order_ == SortOrder::kDouble) {
      if (load<double>(bytes_of(min_)) == 0.0) {
        const double z = -0.0;
        min_.assign(reinterpret_cast<const char*>(&z), 8);
      }
      if (load<double>(bytes_of(max_)) == 0.0) {
        const double z = 0.0;
        max_.assign(reinterpret_cast<const char*>(&z), 8);
      }
    }
    out.min_value = std::move(min_);
    out.max_value = std::move(max_);
  }
  nulls_ = 0;
  has_bounds_ = false;
  too_long_ = false;
  min_.clear();
  max_.clear();
  return out;
}

}  // namespace rapidbyte::parquet
