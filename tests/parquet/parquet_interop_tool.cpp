// Writes the Parquet file tests/parquet/pyarrow_interop.py checks: every
// type the writer supports (lists of one level included), values computed
// from the row number (the script computes the same), nulls in every
// nullable column, many pages and several row groups.
//
//   parquet_interop_tool write <file.parquet> <rows> <codec> <dictionary bytes> v1|v2
//
// and reads any Parquet file into an Arrow IPC stream (one batch per row
// group), which the scripts compare with pyarrow's reading of the file:
//
//   parquet_interop_tool read <file.parquet> <out.arrows>
#include <cstdio>
#include <cstring>
#include <string>

#include "portable/arrow/binary_builder.hpp"
#include "portable/arrow/boolean_builder.hpp"
#include "portable/arrow/extension_type.hpp"
#include "portable/arrow/fixed_size_binary_builder.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "portable/arrow/list_builder.hpp"
#include "portable/arrow/primitive_builder.hpp"
#include "portable/parquet/file_reader.hpp"
#include "portable/parquet/file_writer.hpp"
#include "portable/parquet/page_codec.hpp"

using namespace rapidbyte;

namespace {

class FileInput final : public parquet::InputFile {
 public:
  explicit FileInput(FILE* file) : file_(file) {}
  parquet::Result<uint64_t> size() override {
    if (std::fseek(file_, 0, SEEK_END) != 0) return arrow::make_error("cannot seek");
    return static_cast<uint64_t>(std::ftell(file_));
  }
  parquet::Result<void> read_at(uint64_t offset, std::span<uint8_t> out) override {
    if (std::fseek(file_, static_cast<long>(offset), SEEK_SET) != 0 ||
        std::fread(out.data(), 1, out.size(), file_) != out.size()) {
      return arrow::make_error("short read at offset " + std::to_string(offset));
    }
    return {};
  }

 private:
  FILE* file_;
};

// Reads `path` and writes its row groups to `out` as an IPC stream.
int read_file(const char* path, const char* out) {
  FILE* file = std::fopen(path, "rb");
  if (file == nullptr) return 1;
  FileInput input(file);
  auto reader = parquet::FileReader::open(input);
  if (!reader) {
    std::fprintf(stderr, "%s\n", reader.error().message.c_str());
    return 1;
  }
  arrow::IpcStreamWriter writer((*reader)->schema());
  for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
    auto batch = (*reader)->read_row_group(g);
    if (!batch) {
      std::fprintf(stderr, "%s\n", batch.error().message.c_str());
      return 1;
    }
    if (auto w = writer.write(*batch); !w) {
      std::fprintf(stderr, "%s\n", w.error().message.c_str());
      return 1;
    }
  }
  std::fclose(file);
  const std::vector<uint8_t> bytes = writer.finish();
  FILE* sink = std::fopen(out, "wb");
  if (sink == nullptr || std::fwrite(bytes.data(), 1, bytes.size(), sink) != bytes.size()) return 1;
  return std::fclose(sink) == 0 ? 0 : 1;
}

class FileStream final : public parquet::OutputStream {
 public:
  explicit FileStream(FILE* file) : file_(file) {}
  parquet::Result<void> write(std::span<const uint8_t> bytes) override {
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
      return arrow::make_error("short write");
    }
    return {};
  }

 private:
  FILE* file_;
};

// 16 bytes little-endian two's complement of `v` (an __int128).
std::string decimal_bytes(__int128 v) {
  std::string out(16, '\0');
  for (int i = 0; i < 16; ++i) out[i] = static_cast<char>(static_cast<uint8_t>(v >> (8 * i)));
  return out;
}

__int128 pow10(int n) {
  __int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

template <class B>
arrow::Array done(B& builder) {
  auto array = builder.finish();
  if (!array) {
    std::fprintf(stderr, "%s\n", array.error().message.c_str());
    std::exit(1);
  }
  return *array;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "read") == 0) return read_file(argv[2], argv[3]);
  const auto codec = argc == 7 ? parquet::codec_named(argv[4]) : std::nullopt;
  if (argc != 7 || std::strcmp(argv[1], "write") != 0 || !codec) {
    std::fprintf(
        stderr,
        "usage: %s write <file.parquet> <rows> none|snappy|gzip|zstd <dictionary bytes> v1|v2\n",
        argv[0]);
    return 2;
  }
  const int64_t rows = std::stoll(argv[3]);
  using arrow::field;
  auto schema = std::make_shared<const arrow::Schema>(std::vector<arrow::Field>{
      field("b", arrow::boolean()),
      field("i8", arrow::int8(), false),
      field("i16", arrow::int16(), false),
      field("i32", arrow::int32()),
      field("i64", arrow::int64(), false),
      field("u8", arrow::uint8(), false),
      field("u16", arrow::uint16(), false),
      field("u32", arrow::uint32(), false),
      field("u64", arrow::uint64(), false),
      field("f32", arrow::float32(), false),
      field("f64", arrow::float64()),
      field("s", arrow::utf8()),
      field("ls", arrow::large_utf8(), false),
      field("bin", arrow::binary(), false),
      arrow::uuid_field("u"),
      arrow::json_field("js"),
      field("d", arrow::date32()),
      field("ts", arrow::timestamp(arrow::TimeUnit::kMicro, "UTC")),
      field("tsn", arrow::timestamp(arrow::TimeUnit::kNano), false),
      field("tsm", arrow::timestamp(arrow::TimeUnit::kMilli, "UTC"), false),
      field("tm", arrow::time64(arrow::TimeUnit::kMicro), false),
      field("dec", arrow::decimal128(12, 2)),
      field("dec38", arrow::decimal128(38, 10), false),
      field("li", arrow::list(field("item", arrow::int32()))),
      field("lt", arrow::list(field("item", arrow::utf8(), false)), false),
      field("du", arrow::duration(arrow::TimeUnit::kMicro), false),
      field("tz", arrow::timestamp(arrow::TimeUnit::kMicro, "America/New_York")),
      field("iv", arrow::month_day_nano_interval()),
      // Only NULLs: pages of no values and no dictionary.
      field("nul", arrow::utf8()),
  });

  FILE* file = std::fopen(argv[2], "wb");
  if (file == nullptr) return 1;
  FileStream stream(file);
  parquet::WriterOptions options;
  options.codec = *codec;
  options.dictionary_bytes = std::stoull(argv[5]);
  options.data_page_v2 = std::strcmp(argv[6], "v2") == 0;
  options.page_bytes = 4096;
  options.row_group_bytes = 256 << 10;
  auto writer = parquet::FileWriter::open(schema, stream, options);
  if (!writer) {
    std::fprintf(stderr, "%s\n", writer.error().message.c_str());
    return 1;
  }
  constexpr int64_t kBatch = 1000;
  for (int64_t first = 0; first < rows; first += kBatch) {
    const int64_t last = std::min(rows, first + kBatch);
    arrow::BooleanBuilder b;
    arrow::Int8Builder i8;
    arrow::Int16Builder i16;
    arrow::Int32Builder i32;
    arrow::Int64Builder i64;
    arrow::UInt8Builder u8;
    arrow::UInt16Builder u16;
    arrow::UInt32Builder u32;
    arrow::UInt64Builder u64;
    arrow::Float32Builder f32;
    arrow::Float64Builder f64;
    arrow::StringBuilder s;
    arrow::LargeStringBuilder ls;
    arrow::BinaryBuilder bin;
    arrow::FixedSizeBinaryBuilder u(arrow::fixed_size_binary(16));
    arrow::StringBuilder js;
    arrow::Date32Builder d;
    arrow::TimestampBuilder ts(arrow::timestamp(arrow::TimeUnit::kMicro, "UTC"));
    arrow::TimestampBuilder tsn(arrow::timestamp(arrow::TimeUnit::kNano));
    arrow::TimestampBuilder tsm(arrow::timestamp(arrow::TimeUnit::kMilli, "UTC"));
    arrow::Time64Builder tm(arrow::TimeUnit::kMicro);
    arrow::FixedSizeBinaryBuilder dec(arrow::decimal128(12, 2));
    arrow::FixedSizeBinaryBuilder dec38(arrow::decimal128(38, 10));
    arrow::ListBuilder li(schema->field(23).type);
    arrow::ListBuilder lt(schema->field(24).type);
    arrow::DurationBuilder du(arrow::TimeUnit::kMicro);
    arrow::TimestampBuilder tz(arrow::timestamp(arrow::TimeUnit::kMicro, "America/New_York"));
    arrow::MonthDayNanoBuilder iv(arrow::month_day_nano_interval());
    arrow::StringBuilder nul;
    for (int64_t i = first; i < last; ++i) {
      if (i % 7 == 0) {
        b.append_null();
      } else {
        b.append(i % 2 == 0);
      }
      i8.append(static_cast<int8_t>(i % 256 - 128));
      i16.append(static_cast<int16_t>((i * 7) % 65536 - 32768));
      if (i % 11 == 0) {
        i32.append_null();
      } else {
        i32.append(static_cast<int32_t>(i * 1000 - 5000000));
      }
      i64.append(i * (int64_t{1} << 40) - (int64_t{1} << 50));
      u8.append(static_cast<uint8_t>(i % 256));
      u16.append(static_cast<uint16_t>(i % 65536));
      u32.append(static_cast<uint32_t>(static_cast<uint64_t>(i) * 2654435761u));
      u64.append(static_cast<uint64_t>(i) * 11400714819323198485ull);
      f32.append(static_cast<float>(i) * 0.5f);
      if (i % 13 == 0) {
        f64.append_null();
      } else {
        f64.append(static_cast<double>(i) / 3.0);
      }
      if (i % 5 == 0) {
        s.append_null();
      } else {
        s.append("row-" + std::to_string(i) + "-\xC3\xA9");
      }
      ls.append(std::string(static_cast<size_t>(i % 50), 'x'));
      bin.append(std::string(static_cast<size_t>(i % 4), static_cast<char>(i % 256)));
      if (i % 3 == 0) {
        u.append_null();
      } else {
        std::string id(16, '\0');
        for (int k = 0; k < 8; ++k)
          id[15 - k] = static_cast<char>(static_cast<uint64_t>(i) >> (8 * k));
        u.append(id);
      }
      js.append("{\"n\": " + std::to_string(i) + "}");
      if (i % 17 == 0) {
        d.append_null();
      } else {
        d.append(static_cast<int32_t>(i - 5000));
      }
      ts.append(i * 1000003 - 1000000000);
      tsn.append(i * 123456789);
      tsm.append(i * 1001 - 77);
      tm.append((i * 1000007) % 86400000000);
      if (i % 19 == 0) {
        dec.append_null();
      } else {
        dec.append(decimal_bytes(static_cast<__int128>(i * 12345 - 50000000)));
      }
      dec38.append(decimal_bytes((static_cast<__int128>(i) - 5000) * pow10(30) + i));
      if (i % 9 == 0) {
        li.append_null();
      } else {
        li.append();
        auto& items = li.value_builder_as<arrow::Int32Builder>();
        for (int64_t k = 0; k < (i % 9 == 1 ? 0 : i % 5); ++k) {
          if ((i + k) % 4 == 0) {
            items.append_null();
          } else {
            items.append(static_cast<int32_t>(i + k));
          }
        }
      }
      lt.append();
      for (int64_t k = 0; k < i % 3; ++k) {
        lt.value_builder_as<arrow::StringBuilder>().append(
            std::string(static_cast<size_t>(k + 1), 'a'));
      }
      du.append(i * 1000 - 7);
      tz.append(i * 3600000000 + 17);
      nul.append_null();
      if (i % 23 == 0) {
        iv.append_null();
      } else {
        iv.append(arrow::MonthDayNano{static_cast<int32_t>(i % 13 - 6),
                                      static_cast<int32_t>(i % 31 - 15), i * 1000 - 10000000});
      }
    }
    auto batch = arrow::RecordBatch::make(
        schema,
        {done(b),   done(i8),  done(i16), done(i32), done(i64), done(u8),  done(u16),   done(u32),
         done(u64), done(f32), done(f64), done(s),   done(ls),  done(bin), done(u),     done(js),
         done(d),   done(ts),  done(tsn), done(tsm), done(tm),  done(dec), done(dec38), done(li),
         done(lt),  done(du),  done(tz),  done(iv),  done(nul)});
    if (!batch) {
      std::fprintf(stderr, "%s\n", batch.error().message.c_str());
      return 1;
    }
    if (auto w = (*writer)->write(*batch); !w) {
      std::fprintf(stderr, "%s\n", w.error().message.c_str());
      return 1;
    }
  }
  if (auto c = (*writer)->close(); !c) {
    std::fprintf(stderr, "%s\n", c.error().message.c_str());
    return 1;
  }
  return std::fclose(file) == 0 ? 0 : 1;
}
