// libFuzzer target for CSV text: the input's first byte picks the dialect
// and the size of the chunks the text arrives in (so that every state of
// the parser meets a chunk boundary); the rest is the file. Every record is
// then typed as source-file types it: a type inferred from each field,
// then a row built with them. A crash, over-read (ASan) or runaway
// allocation is a bug; errors are the expected outcome.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "portable/text/csv_records.hpp"
#include "portable/text/string_source.hpp"
#include "portable/text/text_values.hpp"

using namespace rapidbyte;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t control = data[0];
  text::CsvDialect dialect;
  if (control & 1) dialect.delimiter = ';';
  if (control & 2) dialect.quote = '\'';
  dialect.escape = (control & 4) ? '\\' : dialect.quote;
  text::StringSource input({reinterpret_cast<const char*>(data + 1), size - 1}, 1 + (control >> 3),
                           "fuzz.csv");
  text::CsvRecords records(input, dialect);
  text::CsvRecord record;
  for (int n = 0; n < 1000; ++n) {
    auto any = records.next(record);
    if (!any || !*any) break;
    std::vector<arrow::Field> fields;
    std::vector<text::TextType> types;
    std::vector<text::TextCell> cells;
    for (size_t i = 0; i < record.fields.size() && i < 64; ++i) {
      types.push_back(text::infer_text_type({record.fields[i]}));
      fields.push_back(arrow::field("c" + std::to_string(i), types.back().arrow_type()));
      cells.emplace_back(record.fields[i]);
    }
    text::TextBatchBuilder builder(std::make_shared<const arrow::Schema>(std::move(fields)),
                                   std::move(types));
    // Refused only when a field is not UTF-8 (inference falls back to text).
    (void)builder.add_row(cells);
    auto batch = builder.finish();
    if (!batch) __builtin_trap();
  }
  return 0;
}
