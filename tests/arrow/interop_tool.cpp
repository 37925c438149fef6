// Helper for the pyarrow interop test (pyarrow_interop.py):
//   interop_tool write <path>  writes a multi-batch stream of every type
//   interop_tool dump <path>   reads a stream and prints it canonically
// The canonical dump is one line per field and per value; fixed-width
// values print as the hex of their little-endian bytes, utf8/binary as the
// hex of their bytes, so the Python side can render pyarrow data the same way.
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

std::string render(const Array& a, int64_t i) {
  if (a.is_null(i)) return "null";
  switch (a.type().layout()) {
    case Layout::kNull:
      return "null";
    case Layout::kBitmap:
      return BooleanArray(a).value(i) ? "true" : "false";
    case Layout::kVarBinary: {
      auto v = BinaryArray(a).value_bytes(i);
      return "x" + hex(v.data(), v.size());
    }
    case Layout::kFixedWidth: {
      const int64_t w = a.type().byte_width();
      return "x" + hex(a.data().values.data() + (a.offset() + i) * w, static_cast<size_t>(w));
    }
  }
  return "?";
}

int write(const char* path) {
  RecordBatch full = test_data::all_types_batch(50);
  std::vector<RecordBatch> batches = {full, test_data::all_types_batch(0),
                                      test_data::all_types_batch(77).slice(3, 30)};
  auto bytes = write_ipc_stream(full.schema(), batches);
  if (!bytes) {
    std::fprintf(stderr, "write failed: %s\n", bytes.error().message.c_str());
    return 1;
  }
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes->data()),
             static_cast<std::streamsize>(bytes->size()));
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
    for (const auto& [k, v] : f.metadata) std::printf(" %s=%s", k.c_str(), v.c_str());
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
  if (argc == 3 && std::string(argv[1]) == "write") return write(argv[2]);
  if (argc == 3 && std::string(argv[1]) == "dump") return dump(argv[2]);
  std::fprintf(stderr, "usage: interop_tool write|dump <path>\n");
  return 2;
}
