// Helper for the pyarrow interop test (pyarrow_interop.py) and the fuzzer's
// seed corpus:
//   interop_tool write <path> [none|lz4_frame|zstd]
//                                   writes a multi-batch stream of every type
//   interop_tool write-big <path>   writes a stream of a few large values
//   interop_tool dump <path>        reads a stream and prints it canonically
//   interop_tool seeds <dir>        writes small valid streams as fuzz seeds
// The canonical dump is one line per field and per value; fixed-width
// values print as the hex of their little-endian bytes, utf8/binary as the
// hex of their bytes, lists as [v,v,...] of their elements, so the Python
// side can render pyarrow data the same way.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "tests/arrow/test_batches.hpp"

using namespace rapidbyte::arrow;

namespace {

std::string hex(const uint8_t* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += digits[p[i] >> 4];
    out += digits[p[i] & 15];
  }
  return out;
}

std::string hex(std::span<const uint8_t> bytes) {
  return "x" + hex(bytes.data(), bytes.size());
}

std::string render(const Array& a, int64_t i) {
  if (a.is_null(i)) return "null";
  switch (a.type().layout()) {
    case Layout::kNull:
      return "null";
    case Layout::kBitmap:
      return BooleanArray(a).value(i) ? "true" : "false";
    case Layout::kVarBinary:
      return hex(BinaryArray(a).value_bytes(i));
    case Layout::kLargeVarBinary:
      return hex(LargeBinaryArray(a).value_bytes(i));
    case Layout::kFixedWidth: {
      const int64_t w = a.type().byte_width();
      return hex({a.data().values.data() + (a.offset() + i) * w, static_cast<size_t>(w)});
    }
    case Layout::kList: {
      const Array elements = ListArray(a).value(i);
      std::string out = "[";
      for (int64_t k = 0; k < elements.length(); ++k) {
        if (k > 0) out += ",";
        out += render(elements, k);
      }
      return out + "]";
    }
  }
  return "?";
}

bool write_file(const std::string& path, const Result<std::vector<uint8_t>>& bytes) {
  if (!bytes) {
    std::fprintf(stderr, "write failed: %s\n", bytes.error().message.c_str());
    return false;
  }
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes->data()),
             static_cast<std::streamsize>(bytes->size()));
  return true;
}

Result<Compression> parse_codec(const std::string& name) {
  for (Compression c : {Compression::kNone, Compression::kLz4Frame, Compression::kZstd}) {
    if (compression_name(c) == name) return c;
  }
  return make_error("unknown codec " + name);
}

// Batches of every type: full, empty, sliced (non-zero offsets everywhere).
std::vector<RecordBatch> all_types_batches() {
  return {test_data::all_types_batch(50), test_data::all_types_batch(0),
          test_data::all_types_batch(77).slice(3, 30), test_data::all_types_batch(9).slice(9, 0)};
}

int write(const char* path, const std::string& codec_name) {
  auto codec = parse_codec(codec_name);
  if (!codec) return std::fprintf(stderr, "%s\n", codec.error().message.c_str()), 2;
  IpcWriteOptions options{*codec};
  return write_file(path,
                    write_ipc_stream(test_data::all_types_schema(), all_types_batches(), options))
             ? 0
             : 1;
}

// One row holding a 3 MiB utf8 value, a 5 MiB large_binary value and a
// list of 300000 int64, then 100000 small rows.
int write_big(const char* path) {
  auto schema = make_schema({field("s", utf8()), field("lb", large_binary()),
                             field("li", list(int64())), field("i", int64())});
  StringBuilder s;
  LargeBinaryBuilder lb;
  ListBuilder li(list(int64()));
  Int64Builder i;
  std::string text;
  for (int k = 0; text.size() < (3 << 20); ++k)
    text += "h\xC3\xA9llo \xF0\x9F\x98\x80 " + std::to_string(k);
  s.append(text);
  std::string bytes(5 << 20, '\0');
  for (size_t k = 0; k < bytes.size(); ++k) bytes[k] = static_cast<char>(k * 7);
  lb.append(bytes);
  li.append();
  for (int64_t k = 0; k < 300000; ++k) li.value_builder_as<Int64Builder>().append(k * k);
  i.append(-1);
  std::vector<RecordBatch> batches = {
      *RecordBatch::make(schema, {*s.finish(), *lb.finish(), *li.finish(), *i.finish()})};
  for (int64_t r = 0; r < 100000; ++r) {
    s.append(std::to_string(r));
    lb.append_null();
    li.append_null();
    i.append(r);
  }
  batches.push_back(
      *RecordBatch::make(schema, {*s.finish(), *lb.finish(), *li.finish(), *i.finish()}));
  return write_file(path, write_ipc_stream(schema, batches)) ? 0 : 1;
}

int seeds(const std::string& dir) {
  int n = 0;
  for (Compression c : {Compression::kNone, Compression::kLz4Frame, Compression::kZstd}) {
    if (c != Compression::kNone && !compression_available()) continue;
    for (int64_t rows : {0, 1, 5}) {
      std::vector<RecordBatch> batches = {test_data::all_types_batch(rows)};
      if (!write_file(dir + "/seed-" + std::to_string(n++),
                      write_ipc_stream(test_data::all_types_schema(), batches, {c}))) {
        return 1;
      }
    }
  }
  return 0;
}

int dump(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  auto contents = read_ipc_stream(bytes);
  if (!contents) {
    std::fprintf(stderr, "read failed: %s\n", contents.error().message.c_str());
    return 1;
  }
  for (const Field& f : contents->schema->fields()) {
    std::printf("field %s %s %s", f.name.c_str(), f.type.to_string().c_str(),
                f.nullable ? "nullable" : "required");
    auto metadata = f.metadata.entries();  // sorted: writers order extension keys differently
    std::sort(metadata.begin(), metadata.end());
    for (const auto& [k, v] : metadata) std::printf(" %s=%s", k.c_str(), v.c_str());
    std::printf("\n");
  }
  for (const auto& [k, v] : contents->schema->metadata()) {
    std::printf("schema_metadata %s=%s\n", k.c_str(), v.c_str());
  }
  for (size_t b = 0; b < contents->batches.size(); ++b) {
    const RecordBatch& batch = contents->batches[b];
    std::printf("batch %zu rows %lld\n", b, static_cast<long long>(batch.num_rows()));
    for (int c = 0; c < batch.num_columns(); ++c) {
      for (int64_t r = 0; r < batch.num_rows(); ++r) {
        std::printf("%s %lld %s\n", batch.schema()->field(c).name.c_str(),
                    static_cast<long long>(r), render(batch.column(c), r).c_str());
      }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc >= 2 ? argv[1] : "";
  if ((argc == 3 || argc == 4) && command == "write")
    return write(argv[2], argc == 4 ? argv[3] : "none");
  if (argc == 3 && command == "write-big") return write_big(argv[2]);
  if (argc == 3 && command == "dump") return dump(argv[2]);
  if (argc == 3 && command == "seeds") return seeds(argv[2]);
  std::fprintf(stderr,
               "usage: interop_tool write <path> [codec] | write-big|dump <path> | seeds <dir>\n");
  return 2;
}
