#include "guest/connectors/transform-mask/column_masker.hpp"

#include "guest/connectors/transform-common/arrow_cells.hpp"
#include "portable/arrow/array_builder.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/utf8.hpp"
#include "portable/base/try.hpp"
#include "portable/crypto/hex.hpp"

namespace rapidbyte::connectors::mask {

namespace {

constexpr const char* kCode = "MASK_CONFIG";

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// `text` with all but its first `first` and last `last` code points
// replaced by `fill`; wholly replaced when it has no more than first + last.
void append_partial(std::string_view text, uint64_t first, uint64_t last, std::string_view fill,
                    std::string& out) {
  const uint64_t n = arrow::count_code_points(text);
  const bool whole = n <= first + last;
  uint64_t index = 0;
  for (size_t i = 0; i < text.size();) {
    size_t len = 1;
    while (i + len < text.size() && (static_cast<uint8_t>(text[i + len]) & 0xC0) == 0x80) ++len;
    const bool keep = !whole && (index < first || index >= n - last);
    if (keep) {
      out.append(text.substr(i, len));
    } else {
      out.append(fill);
    }
    i += len;
    ++index;
  }
}

}  // namespace

ColumnMasker::ColumnMasker(MaskConfig config)
    : config_(std::move(config)), hmac_(as_bytes(config_.salt)) {}

sdk::Result<void> ColumnMasker::bind(std::shared_ptr<const arrow::Schema> schema) {
  if (input_ && *input_ == *schema) return {};
  std::vector<const ColumnMask*> by_column(static_cast<size_t>(schema->num_fields()), nullptr);
  std::vector<arrow::Field> fields = schema->fields();
  for (const auto& mask : config_.columns) {
    const int index = schema->field_index(mask.column);
    if (index < 0) {
      return sdk::config_error(
          "column '" + mask.column + "' is to be masked but the stream has no such column", kCode);
    }
    arrow::Field& field = fields[static_cast<size_t>(index)];
    switch (mask.method) {
      case MaskMethod::kPartial:
        if (!cells::is_text(field.type)) {
          return sdk::config_error("column '" + mask.column +
                                       "': method partial needs a text (utf8) column, but the "
                                       "column is " +
                                       field.type.to_string(),
                                   kCode);
        }
        [[fallthrough]];
      case MaskMethod::kHash:
      case MaskMethod::kRedact:
        if (field.type != arrow::utf8()) {
          field.type = arrow::utf8();
          field.metadata = {};
        }
        break;
      case MaskMethod::kNull:
        field.nullable = true;
        break;
    }
    by_column[static_cast<size_t>(index)] = &mask;
  }
  output_ = arrow::make_schema(std::move(fields), schema->metadata());
  input_ = std::move(schema);
  by_column_ = std::move(by_column);
  return {};
}

sdk::Result<arrow::Array> ColumnMasker::mask_column(const ColumnMask& mask,
                                                    const arrow::Field& field,
                                                    const arrow::Array& array) {
  const int64_t rows = array.length();
  if (mask.method == MaskMethod::kNull) {
    auto builder = arrow::make_builder(array.type());
    builder->append_nulls(rows);
    auto out = builder->finish();
    if (!out) return sdk::internal_error("cannot build a null column: " + out.error().message);
    return std::move(*out);
  }
  arrow::StringBuilder builder;
  builder.reserve(rows);
  std::string value;
  std::string text;                       // a non-text cell's text, for hashing
  std::optional<cells::BytesColumn> raw;  // text and binary cells, as they are
  if (cells::is_text(array.type()) || cells::is_binary(array.type())) raw.emplace(array);
  for (int64_t row = 0; row < rows; ++row) {
    if (array.is_null(row)) {
      builder.append_null();
      continue;
    }
    value.clear();
    switch (mask.method) {
      case MaskMethod::kHash: {
        if (raw) {
          hmac_.update(raw->value(row));
        } else {
          text.clear();
          cells::append_text(field, array, row, text);
          hmac_.update(text);
        }
        const auto digest = hmac_.finish();
        crypto::append_hex(digest, value);
        break;
      }
      case MaskMethod::kRedact:
        value = mask.value;
        break;
      case MaskMethod::kPartial:
        append_partial(raw->value(row), mask.keep_first, mask.keep_last, mask.mask_char, value);
        break;
      case MaskMethod::kNull:
        break;
    }
    builder.append(value);
  }
  auto out = builder.finish();
  if (!out) {
    return sdk::data_error("column '" + mask.column + "': " + out.error().message,
                           "MASK_TOO_LARGE");
  }
  return std::move(*out);
}

sdk::Result<arrow::RecordBatch> ColumnMasker::apply(const arrow::RecordBatch& batch) {
  std::vector<arrow::Array> columns = batch.columns();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (!by_column_[i]) continue;
    RB_ASSIGN_OR_RETURN(
        auto masked, mask_column(*by_column_[i], input_->field(static_cast<int>(i)), columns[i]));
    columns[i] = std::move(masked);
  }
  return arrow::RecordBatch(output_, std::move(columns), batch.num_rows());
}

}  // namespace rapidbyte::connectors::mask
