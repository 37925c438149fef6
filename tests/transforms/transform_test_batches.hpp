// Small record batches and config parsing for the transform logic tests.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "guest/sdk/json_config.hpp"
#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/arrow/record_batch.hpp"

namespace rapidbyte::test {

// A column built by `Builder` from values, nullopt for a null.
template <class Builder, class T>
arrow::Array number_column(const std::vector<std::optional<T>>& values) {
  Builder b;
  for (const auto& v : values) {
    if (v) {
      b.append(*v);
    } else {
      b.append_null();
    }
  }
  return *b.finish();
}

inline arrow::Array text_column(const std::vector<std::optional<std::string>>& values) {
  return number_column<arrow::StringBuilder>(values);
}

inline arrow::RecordBatch make_batch(std::vector<arrow::Field> fields,
                                     std::vector<arrow::Array> columns) {
  auto batch = arrow::RecordBatch::make(arrow::make_schema(std::move(fields)), std::move(columns));
  EXPECT_TRUE(batch) << batch.error().message;
  return *batch;
}

inline sdk::JsonConfig json(const std::string& text) {
  auto parsed = sdk::JsonConfig::parse(text);
  EXPECT_TRUE(parsed) << parsed.error().message;
  return std::move(*parsed);
}

}  // namespace rapidbyte::test
