// The live progress display: its frame fits any width (progress_frame), and
// on a real pseudo-terminal of 80 and 200 columns a run with log lines
// flowing leaves a screen where nothing wrapped, every log line is whole
// and exactly one frame remains. The screen is rebuilt from the bytes the
// terminal received by a small emulator of the few controls the display
// writes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "host/cli/progress_frame.hpp"
#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

namespace rapidbyte::test {
namespace {

size_t code_points(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

TEST(ProgressFrame, FitsEveryWidth) {
  engine::RunProgress progress({"a_rather_long_schema_name.with_an_even_longer_table_name", "s"});
  auto& first = progress.stream(0);
  first.phase = engine::RunProgress::Phase::kRunning;
  first.rows = 1'234'567;
  first.bytes = 987'654'321;
  first.estimated_rows = 5'000'000;
  first.lag_bytes = 4096;
  first.lag_ms = 1500;
  first.attempt = 2;
  for (size_t width : {20u, 40u, 80u, 120u, 200u}) {
    const auto lines = cli::progress_frame(progress, std::chrono::seconds(10), width);
    ASSERT_EQ(lines.size(), 3u);
    for (const auto& line : lines) EXPECT_LE(code_points(line), width - 1) << width << ": " << line;
  }
  const auto wide = cli::progress_frame(progress, std::chrono::seconds(10), 200);
  EXPECT_EQ(wide[0],
            "  a_rather_long_schema_name.with_an_even_longer_table_name running     1,234,567 "
            "rows  941.9 MiB    123457 rows/s  25% ETA 0:30  lag 4.0 KiB 1.5 s  (attempt 2)");
  EXPECT_EQ(wide[2], "  0:10 elapsed, 1,234,567 rows, 941.9 MiB, 123457 rows/s");
  EXPECT_EQ(cli::fit_to_width("añb€c", 3), "añb");
}

// The screen a terminal of `width` columns shows after `bytes`: every line
// written, top to bottom (no scrolling region: the history stays), a line
// that reached the last column joined with the rows it wrapped onto.
struct Screen {
  std::vector<std::string> lines;
  std::vector<bool> wrapped;  // per line
};

Screen emulate(const std::string& bytes, size_t width) {
  Screen screen;
  std::vector<std::u32string> rows{U""};
  std::vector<bool> continues{false};  // the row goes on from the one above
  size_t row = 0;
  size_t col = 0;
  auto at = [&](size_t r) -> std::u32string& {
    while (rows.size() <= r) {
      rows.emplace_back();
      continues.push_back(false);
    }
    return rows[r];
  };
  for (size_t i = 0; i < bytes.size();) {
    const unsigned char c = bytes[i];
    if (c == 0x1b && i + 1 < bytes.size() && bytes[i + 1] == '[') {
      size_t j = i + 2;
      while (j < bytes.size() && (std::isdigit(bytes[j]) || bytes[j] == ';')) ++j;
      const std::string arg = bytes.substr(i + 2, j - i - 2);
      const char op = j < bytes.size() ? bytes[j] : '\0';
      const size_t n = arg.empty() ? 1 : std::strtoul(arg.c_str(), nullptr, 10);
      if (op == 'A') row = row >= n ? row - n : 0;
      if (op == 'K') at(row).resize(std::min(at(row).size(), col));
      if (op == 'J') {
        at(row).resize(std::min(at(row).size(), col));
        rows.resize(row + 1);
        continues.resize(row + 1);
      }
      i = j + 1;  // 'm' (colours) and others change nothing here
      continue;
    }
    if (c == '\r') {
      col = 0;
    } else if (c == '\n') {
      ++row;
    } else if (c >= 0x20) {
      // One code point (UTF-8 sequence).
      size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      char32_t point = len == 1 ? c : c & (0xFF >> (len + 1));
      for (size_t k = 1; k < len && i + k < bytes.size(); ++k)
        point = (point << 6) | (bytes[i + k] & 0x3F);
      if (col == width) {  // the terminal wraps onto the next line
        ++row;
        col = 0;
        at(row);
        continues[row] = true;
      }
      auto& line = at(row);
      if (line.size() <= col) line.resize(col + 1, U' ');
      line[col++] = point;
      i += len;
      continue;
    }
    ++i;
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    std::string text;
    for (char32_t p : rows[r]) text += p < 0x80 ? static_cast<char>(p) : '?';  // ASCII is enough
    if (continues[r] && !screen.lines.empty()) {
      screen.lines.back() += text;
      screen.wrapped.back() = true;
    } else {
      screen.lines.push_back(text);
      screen.wrapped.push_back(false);
    }
  }
  return screen;
}

class ProgressPtyTest : public ::testing::TestWithParam<size_t> {};

TEST_P(ProgressPtyTest, NothingWrapsAndLogLinesStayWhole) {
  const size_t width = GetParam();
  const TempDir dir("progress");
  // A checkpoint per batch: debug log lines keep coming while the frame is
  // redrawn.
  std::ofstream(dir / "p.yaml")
      << "pipeline: progress\nsource:\n  use: generator\n  config: {rows: 8000000}\n"
         "  streams: [{name: first_stream_with_a_long_name}, {name: second}]\n"
         "transforms: [{use: passthrough}]\ndestination: {use: \"null\"}\n"
         "resources: {parallelism: 2, checkpoint_interval_rows: 20000}\n"
         "state: {connection: "
      << (dir / "state.db").string() << "}\n";
  const std::string command = "stty cols " + std::to_string(width) + " rows 40; " +
                              RAPIDBYTE_BINARY + " -vv --connector-dir " + RAPIDBYTE_CONNECTOR_DIR +
                              " run " + (dir / "p.yaml").string();
  auto result = run_command({"script", "-qfec", command, "/dev/null"});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const Screen screen = emulate(result.output, width);
  size_t logs = 0;
  size_t frame_lines = 0;
  for (size_t i = 0; i < screen.lines.size(); ++i) {
    const std::string& line = screen.lines[i];
    // The log's lines start with their time ("04:20:56.618 debug [...").
    static const std::regex kLogLine(R"(^\d\d:\d\d:\d\d\.\d{3} \w+ \[)");
    const bool log = std::regex_search(line, kLogLine);
    // A log line is whole: its text starts at the first column.
    if (line.find("checkpoint after") != std::string::npos) {
      EXPECT_TRUE(log) << line;
      ++logs;
    }
    if (line.starts_with("  first_stream_with") || line.starts_with("  second ") ||
        (line.starts_with("  ") && line.find(" elapsed, ") != std::string::npos)) {
      ++frame_lines;
      // The frame is cut to the width (long log and summary lines may wrap).
      EXPECT_FALSE(screen.wrapped[i]) << line;
    }
  }
  EXPECT_GE(logs, 200u);  // a checkpoint per batch of 65,536 rows, 8,000,000 rows per stream
  EXPECT_EQ(frame_lines, 3u) << "one frame (two streams and the total) remains";
  EXPECT_NE(result.output.find("pipeline progress succeeded: 16000000 records"), std::string::npos)
      << result.output.substr(result.output.size() > 2000 ? result.output.size() - 2000 : 0);
}

INSTANTIATE_TEST_SUITE_P(Widths, ProgressPtyTest, ::testing::Values(80u, 200u));

}  // namespace
}  // namespace rapidbyte::test
