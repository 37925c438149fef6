#include "portable/arrow/array.hpp"

#include <limits>
#include <string>
#include <string_view>

#include "portable/arrow/utf8.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::arrow {
namespace {

std::string describe(const ArrayData& d) {
  return d.type.to_string() + " array";
}

// Checks the length + 1 offsets of type Offset that start at slot d.offset:
// present, non-decreasing, inside [0, limit]. `each(i, begin, end)` may
// check slot i further and returns false (with an error) to stop.
template <class Offset, class Each>
Result<void> validate_offsets(const ArrayData& d, int64_t limit, const char* limit_what,
                              Each each) {
  const int64_t end = d.offset + d.length;
  constexpr int64_t kWidth = sizeof(Offset);
  if (d.length == 0 && d.values.size() == 0) return {};  // no offsets needed
  if (d.values.size() / kWidth < end + 1) {
    return make_error(describe(d) + ": offsets buffer of " + std::to_string(d.values.size()) +
                      " bytes is too small for " + std::to_string(end + 1) + " offsets");
  }
  const uint8_t* offsets = d.values.data();
  int64_t prev = bit_util::load<Offset>(offsets + d.offset * kWidth);
  if (prev < 0 || prev > limit) {
    return make_error(describe(d) + ": first offset " + std::to_string(prev) + " is outside the " +
                      limit_what);
  }
  for (int64_t i = 1; i <= d.length; ++i) {
    const int64_t cur = bit_util::load<Offset>(offsets + (d.offset + i) * kWidth);
    if (cur < prev) {
      return make_error(describe(d) + ": offsets decrease at slot " + std::to_string(i - 1) + " (" +
                        std::to_string(prev) + " then " + std::to_string(cur) + ")");
    }
    if (cur > limit) {
      return make_error(describe(d) + ": offset " + std::to_string(cur) + " at slot " +
                        std::to_string(i - 1) + " is past the end of the " + std::to_string(limit) +
                        "-" + limit_what);
    }
    RB_TRY(each(i - 1, prev, cur));
    prev = cur;
  }
  return {};
}

// UTF-8 is checked once over all the bytes the slots use, plus a check that
// every non-empty slot starts on a character boundary (not on a
// continuation byte): together that is the same as every slot being valid
// UTF-8 on its own, without a call per (often short) value. Only when that
// fails are the slots checked one by one, to name the first bad one.
template <class Offset>
Result<void> validate_var_binary(const ArrayData& d) {
  const bool check_utf8 = d.type.id() == TypeId::kUtf8 || d.type.id() == TypeId::kLargeUtf8;
  const auto* chars = reinterpret_cast<const char*>(d.data.data());
  // Fast path: the slots are contiguous, so when the bytes of all of them
  // form valid UTF-8 and no non-empty slot starts inside a character, every
  // slot is valid UTF-8 — one pass over the bytes instead of one call per slot.
  int64_t first = -1;
  int64_t last = 0;
  bool starts_on_characters = true;
  auto offsets_ok = validate_offsets<Offset>(
      d, d.data.size(), "byte data buffer",
      [&](int64_t, int64_t begin, int64_t end) -> Result<void> {
        if (first < 0) first = begin;
        last = end;
        if (begin < end && (static_cast<uint8_t>(chars[begin]) & 0xC0) == 0x80) {
          starts_on_characters = false;
        }
        return {};
      });
  if (!offsets_ok || !check_utf8 || first < 0) return offsets_ok;
  if (starts_on_characters &&
      is_valid_utf8(std::string_view(chars + first, static_cast<size_t>(last - first)))) {
    return {};
  }
  // Slow path, only for invalid data: find the slot to name.
  return validate_offsets<Offset>(
      d, d.data.size(), "byte data buffer",
      [&](int64_t slot, int64_t begin, int64_t end) -> Result<void> {
        if (!is_valid_utf8(std::string_view(chars + begin, static_cast<size_t>(end - begin)))) {
          return make_error(describe(d) + ": invalid UTF-8 in slot " + std::to_string(slot));
        }
        return {};
      });
}

Result<void> validate_list(const ArrayData& d) {
  if (d.children.size() != 1) {
    return make_error(describe(d) + ": has " + std::to_string(d.children.size()) +
                      " child arrays, needs 1");
  }
  const ArrayData& child = d.children.front();
  if (!(child.type == d.type.value_type())) {
    return make_error(describe(d) + ": child array is " + child.type.to_string());
  }
  if (auto ok = Array(child).validate(); !ok) {
    return make_error(describe(d) + ": elements: " + ok.error().message);
  }
  return validate_offsets<int32_t>(d, child.length, "element child array",
                                   [](int64_t, int64_t, int64_t) -> Result<void> { return {}; });
}

}  // namespace

const std::shared_ptr<const ArrayData>& Array::empty_data() {
  static const std::shared_ptr<const ArrayData> kEmpty = [] {
    ArrayData data;
    data.type = null();
    return std::make_shared<const ArrayData>(std::move(data));
  }();
  return kEmpty;
}

Array Array::make_null(int64_t length) {
  ArrayData data;
  data.type = null();
  data.length = length;
  data.null_count = length;
  return Array(std::move(data));
}

Array Array::slice(int64_t offset, int64_t length) const {
  ArrayData out = *data_;
  out.offset = data_->offset + offset;
  out.length = length;
  if (data_->type.id() == TypeId::kNull) {
    out.null_count = length;
  } else if (data_->null_count == 0) {
    out.null_count = 0;
  } else {
    out.null_count =
        length - bit_util::count_set_bits(data_->validity.data(), out.offset, out.length);
  }
  return Array(std::move(out));
}

Result<void> Array::validate() const {
  const ArrayData& d = *data_;
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  if (d.length < 0 || d.offset < 0 || d.length > kMax - d.offset - 1) {
    return make_error(describe(d) + ": invalid length " + std::to_string(d.length) + " or offset " +
                      std::to_string(d.offset));
  }
  if (d.null_count < 0 || d.null_count > d.length) {
    return make_error(describe(d) + ": null_count " + std::to_string(d.null_count) +
                      " outside [0, " + std::to_string(d.length) + "]");
  }
  const int64_t end = d.offset + d.length;  // one past the last slot used
  const Layout layout = d.type.layout();
  if (layout == Layout::kNull) {
    if (d.null_count != d.length) return make_error("null array: null_count must equal length");
    return {};
  }

  if (d.validity.empty()) {
    if (d.null_count != 0) {
      return make_error(describe(d) + ": null_count is " + std::to_string(d.null_count) +
                        " but there is no validity bitmap");
    }
  } else {
    if (d.validity.size() < bit_util::bytes_for_bits(end)) {
      return make_error(describe(d) + ": validity bitmap of " + std::to_string(d.validity.size()) +
                        " bytes is too small for " + std::to_string(end) + " slots");
    }
    const int64_t nulls =
        d.length - bit_util::count_set_bits(d.validity.data(), d.offset, d.length);
    if (nulls != d.null_count) {
      return make_error(describe(d) + ": null_count " + std::to_string(d.null_count) +
                        " does not match the validity bitmap (" + std::to_string(nulls) +
                        " nulls)");
    }
  }

  switch (layout) {
    case Layout::kNull:
      return {};
    case Layout::kBitmap:
      if (d.values.size() < bit_util::bytes_for_bits(end)) {
        return make_error(describe(d) + ": values bitmap of " + std::to_string(d.values.size()) +
                          " bytes is too small for " + std::to_string(end) + " slots");
      }
      return {};
    case Layout::kFixedWidth: {
      const int64_t width = d.type.byte_width();
      if (width < 0) return make_error(describe(d) + ": negative byte width");
      if (width > 0 && end > d.values.size() / width) {
        return make_error(describe(d) + ": values buffer of " + std::to_string(d.values.size()) +
                          " bytes is too small for " + std::to_string(end) + " slots of " +
                          std::to_string(width) + " bytes");
      }
      return {};
    }
    case Layout::kVarBinary:
      return validate_var_binary<int32_t>(d);
    case Layout::kLargeVarBinary:
      return validate_var_binary<int64_t>(d);
    case Layout::kList:
      return validate_list(d);
  }
  return {};
}

}  // namespace rapidbyte::arrow
