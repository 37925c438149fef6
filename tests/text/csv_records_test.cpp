#include "portable/text/csv_records.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <string>
#include <vector>

#include "portable/text/string_source.hpp"

namespace rapidbyte::text {
namespace {

// Each record as "field|field" with quoted fields in brackets, and its line.
std::vector<std::string> records_of(const std::string& text, size_t chunk,
                                    CsvDialect dialect = {}) {
  StringSource source(text, chunk, "t.csv");
  CsvRecords records(source, dialect);
  CsvRecord record;
  std::vector<std::string> out;
  for (;;) {
    auto any = records.next(record);
    EXPECT_TRUE(any) << any.error().message;
    if (!any || !*any) break;
    std::string line = std::to_string(record.line) + ":";
    for (size_t i = 0; i < record.fields.size(); ++i) {
      if (i > 0) line += "|";
      line += record.quoted[i] ? "[" + record.fields[i] + "]" : record.fields[i];
    }
    out.push_back(line);
  }
  return out;
}

// RFC 4180 and what real files add to it, the same at every chunk size.
TEST(CsvRecordsTest, QuotesLineBreaksNullsAndByteOrderMark) {
  const std::string text =
      "\xEF\xBB\xBF"
      "id,body\r\n"
      "1,plain\r\n"
      "2,\"with,comma\"\n"
      "3,\"say \"\"hi\"\"\"\r\n"
      "4,\"two\nlines\"\n"
      "5,\"\"\n"
      "6,\n"
      "7,ragged,extra\n"
      "8,last";
  const std::vector<std::string> expected = {
      "1:id|body", "2:1|plain", "3:2|[with,comma]", "4:3|[say \"hi\"]", "5:4|[two\nlines]",
      "7:5|[]",    "8:6|",      "9:7|ragged|extra", "10:8|last"};
  for (size_t chunk : {1, 2, 3, 7, 64, 1 << 20}) {
    EXPECT_EQ(records_of(text, chunk), expected) << "chunks of " << chunk;
  }
}

TEST(CsvRecordsTest, OtherDelimiterQuoteAndEscape) {
  CsvDialect dialect;
  dialect.delimiter = ';';
  dialect.quote = '\'';
  dialect.escape = '\\';
  EXPECT_EQ(records_of("a;'b;\\'c'\n", 1, dialect), std::vector<std::string>{"1:a|[b;'c]"});
}

TEST(CsvRecordsTest, MalformedQuotingIsAnErrorNamingTheLine) {
  for (const auto& [text, message] : std::vector<std::pair<std::string, std::string>>{
           {"a,b\n1,\"open\n",
            "'t.csv' line 2: a quoted field is not closed before the end of "
            "the file"},
           {"a,b\n\n1,\"x\"y\n", "'t.csv' line 3: text after the closing quote of a field"}}) {
    StringSource source(text, 5, "t.csv");
    CsvRecords records(source, {});
    CsvRecord record;
    Result<bool> last = true;
    while (last && *last) last = records.next(record);
    ASSERT_FALSE(last) << text;
    EXPECT_EQ(last.error().message, message);
  }
}

}  // namespace
}  // namespace rapidbyte::text
