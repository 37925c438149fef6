// A run's progress for machines: JSON lines on stderr (`run --progress
// json`), the Prometheus endpoint (`run --metrics-listen`), and the log
// file (`--log-file`).
#include "host/cli/progress_reports.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "tests/support/run_command.hpp"
#include "tests/support/temp_dir.hpp"

extern char** environ;

namespace rapidbyte::test {
namespace {

// Two streams: orders mid-read with an estimate and cdc lag, and a done one
// with a name to escape.
std::unique_ptr<engine::RunProgress> sample_progress() {
  auto made =
      std::make_unique<engine::RunProgress>(std::vector<std::string>{"orders", "odd \"name\""});
  engine::RunProgress& progress = *made;
  auto& orders = progress.stream(0);
  orders.phase = engine::RunProgress::Phase::kRunning;
  orders.rows = 1200;
  orders.bytes = 65536;
  orders.records = 1000;
  orders.estimated_rows = 5000;
  orders.lag_bytes = 2048;
  orders.lag_ms = 1500;
  progress.stream(1).phase = engine::RunProgress::Phase::kDone;
  progress.stream(1).attempt = 2;
  return made;
}

TEST(ProgressReports, JsonLinesPerStream) {
  const auto progress = sample_progress();
  EXPECT_EQ(cli::progress_json_lines(*progress, "p", std::chrono::milliseconds(1250)),
            R"({"event":"progress","pipeline":"p","stream":"orders","phase":"running","rows":1200,)"
            R"("bytes":65536,"records_checkpointed":1000,"estimated_rows":5000,"lag_bytes":2048,)"
            R"("lag_seconds":1.5,"attempt":1,"elapsed_seconds":1.25})"
            "\n"
            R"({"event":"progress","pipeline":"p","stream":"odd \"name\"","phase":"done","rows":0,)"
            R"("bytes":0,"records_checkpointed":0,"attempt":2,"elapsed_seconds":1.25})"
            "\n");
}

TEST(ProgressReports, PrometheusTextFormat) {
  const auto progress = sample_progress();
  const std::string text = cli::prometheus_metrics(*progress, "p", std::chrono::milliseconds(1250));
  EXPECT_NE(
      text.find("# TYPE rapidbyte_stream_rows_total counter\n"
                "rapidbyte_stream_rows_total{pipeline=\"p\",stream=\"orders\"} 1200\n"
                "rapidbyte_stream_rows_total{pipeline=\"p\",stream=\"odd \\\"name\\\"\"} 0\n"),
      std::string::npos)
      << text;
  // Gauges a stream does not report are left out for it.
  EXPECT_NE(text.find("# TYPE rapidbyte_stream_estimated_rows gauge\n"
                      "rapidbyte_stream_estimated_rows{pipeline=\"p\",stream=\"orders\"} 5000\n#"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("rapidbyte_stream_replication_lag_seconds{pipeline=\"p\",stream=\"orders\"} "
                      "1.5\n"),
            std::string::npos);
  EXPECT_NE(text.find("rapidbyte_stream_phase{pipeline=\"p\",stream=\"orders\",phase=\"running\"} "
                      "1\n"),
            std::string::npos);
  EXPECT_TRUE(text.ends_with("rapidbyte_run_elapsed_seconds{pipeline=\"p\"} 1.250\n")) << text;
}

class ReportingCliTest : public ::testing::Test {
 protected:
  std::string pipeline(uint64_t rows) {
    const auto path = dir_ / "p.yaml";
    std::ofstream(path) << "pipeline: reporting\nsource:\n  use: generator\n  config: {rows: "
                        << rows
                        << "}\n  streams: [{name: a}, {name: b}]\ndestination: {use: \"null\"}\n"
                           "state: {connection: "
                        << (dir_ / "state.db").string() << "}\n";
    return path.string();
  }

  TempDir dir_{"reporting"};
};

TEST_F(ReportingCliTest, ProgressJsonLinesEndWithEachStreamDone) {
  auto result = run_command({RAPIDBYTE_BINARY, "--connector-dir", RAPIDBYTE_CONNECTOR_DIR, "run",
                             "--progress", "json", pipeline(50000)});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::map<std::string, std::string> last;  // stream -> its last line's phase and rows
  std::istringstream in(result.output);
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("{\"event\":\"progress\"")) continue;
    rapidjson::Document doc;
    doc.Parse(line.c_str());
    ASSERT_FALSE(doc.HasParseError()) << line;
    last[doc["stream"].GetString()] =
        std::string(doc["phase"].GetString()) + " " + std::to_string(doc["rows"].GetUint64());
  }
  EXPECT_EQ(last, (std::map<std::string, std::string>{{"a", "done 50000"}, {"b", "done 50000"}}));
}

TEST_F(ReportingCliTest, LogFileGetsTheLogLines) {
  const auto log = dir_ / "run.log";
  auto result = run_command({RAPIDBYTE_BINARY, "-vv", "--log-file", log.string(), "--connector-dir",
                             RAPIDBYTE_CONNECTOR_DIR, "run", pipeline(1000)});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::ifstream file(log);
  std::string first;
  std::getline(file, first);
  EXPECT_NE(first.find(" debug [a/source-generator] checkpoint after 1000 records"),
            std::string::npos)
      << first;
  // A path under a file cannot be a log file.
  const std::string under_a_file = pipeline(1) + "/run.log";
  auto refused = run_command({RAPIDBYTE_BINARY, "--log-file", under_a_file, "--connector-dir",
                              RAPIDBYTE_CONNECTOR_DIR, "run", pipeline(1)});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_TRUE(refused.output.starts_with("error: --log-file: cannot write " + under_a_file))
      << refused.output;
}

// A free loopback port for the endpoint.
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

// Scraped while a long run goes on, which is then stopped with SIGINT.
TEST_F(ReportingCliTest, MetricsEndpointServesTheRunningStreams) {
  const int port = free_port();
  const std::string listen = "127.0.0.1:" + std::to_string(port);
  const std::string path = pipeline(4'000'000'000);
  std::vector<std::string> args = {RAPIDBYTE_BINARY,
                                   "-q",
                                   "--connector-dir",
                                   RAPIDBYTE_CONNECTOR_DIR,
                                   "run",
                                   "--progress",
                                   "none",
                                   "--metrics-listen",
                                   listen,
                                   path};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  ASSERT_EQ(::posix_spawn(&pid, RAPIDBYTE_BINARY, nullptr, nullptr, argv.data(), environ), 0);
  httplib::Client client("127.0.0.1", port);
  const std::string none_yet =
      "rapidbyte_stream_rows_total{pipeline=\"reporting\",stream=\"a\"} 0\n";
  std::string body;
  // Until the run has moved rows (waited for, up to a minute; no time is
  // asserted).
  for (int i = 0; i < 600; ++i) {
    auto response = client.Get("/metrics");
    if (response && response->status == 200) {
      body = response->body;
      if (body.find(none_yet) == std::string::npos) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 130) << status;
  EXPECT_NE(body.find("# TYPE rapidbyte_stream_rows_total counter\n"), std::string::npos) << body;
  EXPECT_NE(
      body.find("rapidbyte_stream_phase{pipeline=\"reporting\",stream=\"a\",phase=\"running\"} 1"),
      std::string::npos)
      << body;
  EXPECT_NE(body.find("rapidbyte_stream_rows_total{pipeline=\"reporting\",stream=\"a\"} "),
            std::string::npos)
      << body;
  EXPECT_EQ(body.find(none_yet), std::string::npos) << body;
  // An address that cannot be bound is a usage error before anything runs.
  auto refused = run_command({RAPIDBYTE_BINARY, "--connector-dir", RAPIDBYTE_CONNECTOR_DIR, "run",
                              "--metrics-listen", "nowhere", pipeline(1)});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.output.find("error: --metrics-listen: expected HOST:PORT such as "
                                "127.0.0.1:9464, got 'nowhere'"),
            std::string::npos)
      << refused.output;
}

}  // namespace
}  // namespace rapidbyte::test
