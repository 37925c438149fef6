// money: an int64 count of the currency's smallest unit, whose text form
// ("$1,234.56") depends on the server's lc_monetary. Where a locale-free
// form is needed (cdc, whose snapshot and changes must agree), the amount is
// utf8 decimal text with the server's fraction digits ("1234.56", "-0.05"),
// as `money::numeric::text` prints it.
#include <charconv>
#include <limits>
#include <string>

#include "portable/arrow/binary_builder.hpp"
#include "portable/base/try.hpp"
#include "portable/postgres/codec/codec_factories.hpp"
#include "portable/postgres/codec/type_oids.hpp"
#include "portable/postgres/codec/wire.hpp"

namespace rapidbyte::postgres::codecs {
namespace {

class MoneyCodec : public ValueCodec {
 public:
  explicit MoneyCodec(int32_t scale) : ValueCodec(oid::kMoney), scale_(scale) {}

  arrow::Field field(std::string name) const override {
    return arrow::field(std::move(name), arrow::utf8());
  }

  Result<void> decode(std::span<const uint8_t> bytes, arrow::ArrayBuilder& b) const override {
    RB_TRY(wire::expect_size(bytes, 8, "money"));
    const int64_t amount = wire::load_be<int64_t>(bytes.data());
    // The magnitude as unsigned, so that the smallest int64 has one too.
    const uint64_t magnitude =
        amount < 0 ? uint64_t{0} - static_cast<uint64_t>(amount) : static_cast<uint64_t>(amount);
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, magnitude).ptr;
    std::string all(digits, end);
    if (all.size() <= static_cast<size_t>(scale_)) all.insert(0, scale_ + 1 - all.size(), '0');
    std::string text = amount < 0 ? "-" : "";
    text += all.substr(0, all.size() - scale_);
    if (scale_ > 0) text += "." + all.substr(all.size() - scale_);
    static_cast<arrow::BinaryBuilder&>(b).append(text);
    return {};
  }

  Result<void> encode(const arrow::Array& a, int64_t row,
                      std::vector<uint8_t>& out) const override {
    RB_ASSIGN_OR_RETURN(std::string_view text, wire::string_slot(a, row));
    auto bad = [&] {
      return fail(data_error("not a money amount with at most " + std::to_string(scale_) +
                             " fraction digits: \"" + std::string(text) + "\""));
    };
    std::string_view s = text;
    const bool negative = !s.empty() && s[0] == '-';
    if (negative) s.remove_prefix(1);
    const size_t point = s.find('.');
    const std::string_view whole = s.substr(0, point);
    const std::string_view fraction =
        point == std::string_view::npos ? std::string_view() : s.substr(point + 1);
    if (whole.empty() || fraction.size() > static_cast<size_t>(scale_) ||
        (point != std::string_view::npos && fraction.empty())) {
      return bad();
    }
    std::string digits(whole);
    digits.append(fraction);
    digits.append(scale_ - fraction.size(), '0');
    uint64_t magnitude = 0;
    const auto parsed = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
    if (parsed.ec != std::errc() || parsed.ptr != digits.data() + digits.size()) return bad();
    const uint64_t limit = static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + negative;
    if (magnitude > limit)
      return fail(data_error("money out of range: \"" + std::string(text) + "\""));
    const int64_t amount =
        negative ? static_cast<int64_t>(uint64_t{0} - magnitude) : static_cast<int64_t>(magnitude);
    wire::append_be<int64_t>(out, amount);
    return {};
  }

 private:
  int32_t scale_;
};

}  // namespace

std::unique_ptr<ValueCodec> make_money(int32_t scale) {
  return std::make_unique<MoneyCodec>(scale);
}

}  // namespace rapidbyte::postgres::codecs
