#include "portable/arrow/record_batch.hpp"

#include "portable/arrow/array_builder.hpp"
#include "portable/base/try.hpp"

#include <string>

namespace rapidbyte::arrow {

Result<RecordBatch> RecordBatch::empty(std::shared_ptr<const Schema> schema) {
  if (schema == nullptr) return make_error("record batch without a schema");
  std::vector<Array> columns;
  for (const Field& field : schema->fields()) {
    RB_ASSIGN_OR_RETURN(auto column, make_builder(field.type)->finish());
    columns.push_back(std::move(column));
  }
  return RecordBatch(std::move(schema), std::move(columns), 0);
}

Result<RecordBatch> RecordBatch::make(std::shared_ptr<const Schema> schema,
                                      std::vector<Array> columns, std::optional<int64_t> num_rows) {
  if (schema == nullptr) return make_error("record batch without a schema");
  if (static_cast<int>(columns.size()) != schema->num_fields()) {
    return make_error("record batch has " + std::to_string(columns.size()) +
                      " columns but its schema has " + std::to_string(schema->num_fields()) +
                      " fields");
  }
  if (!num_rows) {
    if (columns.empty()) return make_error("record batch without columns needs num_rows");
    num_rows = columns.front().length();
  }
  if (*num_rows < 0) return make_error("record batch with negative num_rows");
  for (size_t i = 0; i < columns.size(); ++i) {
    const Field& f = schema->field(static_cast<int>(i));
    const Array& c = columns[i];
    if (!(c.type() == f.type)) {
      return make_error("column '" + f.name + "' is " + c.type().to_string() +
                        " but the schema says " + f.type.to_string());
    }
    if (c.length() != *num_rows) {
      return make_error("column '" + f.name + "' has " + std::to_string(c.length()) +
                        " rows, expected " + std::to_string(*num_rows));
    }
    if (!f.nullable && c.null_count() > 0 && f.type.id() != TypeId::kNull) {
      return make_error("column '" + f.name + "' is not nullable but has " +
                        std::to_string(c.null_count()) + " nulls");
    }
  }
  return RecordBatch(std::move(schema), std::move(columns), *num_rows);
}

RecordBatch RecordBatch::slice(int64_t offset, int64_t length) const {
  std::vector<Array> columns;
  columns.reserve(columns_.size());
  for (const Array& c : columns_) columns.push_back(c.slice(offset, length));
  return RecordBatch(schema_, std::move(columns), length);
}

}  // namespace rapidbyte::arrow
