// Hostile guests: test-hostile-imports calls each host import with one
// malformed argument (a pointer past the end of memory, a length that wraps
// 32 bits, a list of 2^28 records, invalid UTF-8, a discriminant past the
// last case, a bad return or parameter area), calls imports out of order,
// and has the host allocate results through a cabi_realloc that fails,
// traps or calls the host again. Every malformed call ends the guest with a
// GUEST_TRAP naming the import and what was wrong, before any of it reaches
// the engine; a well-formed call out of order gets the error value the
// contract defines; and the host goes on running the next guest.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>
#include <thread>

#include "host/engine/stage_host.hpp"
#include "host/engine/state/sqlite_state_backend.hpp"
#include "host/runtime/contract_imports.hpp"
#include "portable/arrow/utf8.hpp"
#include "tests/host/runtime_fixture.hpp"
#include "tests/support/loopback_listener.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

constexpr const char* kGuest = "test-hostile-imports";
const std::string kTrapped = "connector 'test-hostile-imports' trapped during phase read: ";

p::RunRequest read_request() {
  p::RunRequest req;
  req.phase = p::RunPhase::kRead;
  p::StreamContext ctx;
  ctx.stream_name = "s";
  req.streams.push_back(ctx);
  return req;
}

// ---- what each mode must end in ------------------------------------------------

// The outcome of one mode of the guest: a trap with message `trap` (after
// "connector '...' trapped during phase read: "), or, when `trap` is empty,
// a run that succeeds with the guest logging `answer` after its marker.
// {mem}, {ret+1} and {params+4} stand for numbers the marker gives.
struct Expected {
  std::string mode;
  std::string trap;
  std::vector<std::string> answer;
};

std::string bad_call(const std::string& import, const std::string& what) {
  const bool telemetry =
      import == "log" || import == "checkpoint" || import == "metric" || import == "dlq";
  return "bad call to " +
         std::string(telemetry ? runtime::kTelemetryModule : runtime::kHostIoModule) + "#" +
         import + ": " + what;
}

// The imports whose first string or list argument is a string.
constexpr const char* kTextImports[] = {
    "log",       "checkpoint", "metric",    "dlq",         "batch-emit",   "committed-cursor",
    "state-get", "state-put",  "state-cas", "tcp-connect", "tcp-start-tls"};

// An import, and how many cases its spoiled enum or variant has.
struct Cases {
  const char* import;
  int count;
};
constexpr Cases kEnums[] = {{"log", 5},          {"checkpoint", 3}, {"dlq", 9},
                            {"state-get", 3},    {"state-put", 3},  {"state-cas", 3},
                            {"tcp-start-tls", 3}};
constexpr Cases kVariants[] = {
    {"checkpoint", 7}, {"metric", 3}, {"dlq", 2}, {"state-cas", 2}, {"tcp-start-tls", 2}};

// The canonical ABI size and alignment of each result the guest passes a
// return area for.
struct ReturnArea {
  const char* import;
  int size, align;
};
constexpr ReturnArea kReturnAreas[] = {{"batch-emit", 64, 8},       {"batch-next", 12, 4},
                                       {"committed-cursor", 24, 8}, {"state-get", 64, 8},
                                       {"state-put", 64, 8},        {"state-cas", 64, 8},
                                       {"tcp-connect", 64, 8},      {"tcp-read", 64, 8},
                                       {"tcp-write", 64, 8},        {"tcp-start-tls", 64, 8}};

// One malformed call per (fault, import) the fault applies to.
std::vector<Expected> malformed_calls() {
  std::vector<Expected> out;
  auto trap = [&](const std::string& fault, const std::string& import, const std::string& what) {
    out.push_back({fault + ":" + import, bad_call(import, what), {}});
  };
  std::vector<std::string> spans(std::begin(kTextImports), std::end(kTextImports));
  spans.push_back("tcp-write");  // its only span is a list<u8>
  for (const std::string& import : spans) {
    trap("oob-ptr", import, "guest pointer out of bounds: {mem}+1 > memory size {mem}");
    trap("wrap-len", import, "guest pointer out of bounds: 16+4294967281 > memory size {mem}");
  }
  for (const std::string import : kTextImports)
    trap("bad-utf8", import, "string from guest is not valid UTF-8");
  for (const std::string import : {"metric", "dlq"}) {
    // 2^28 records of 16 bytes: 2^32 bytes, which a 32-bit product would wrap to 0.
    trap("huge-list", import, "guest pointer out of bounds: 16+4294967296 > memory size {mem}");
    trap("misaligned-list", import, "misaligned list in guest memory");
  }
  for (const auto& [import, count] : kEnums) {
    const std::string n = std::to_string(count);
    trap("bad-enum", import, "enum discriminant " + n + " out of range (" + n + " cases)");
  }
  for (const auto& [import, count] : kVariants) {
    const std::string n = std::to_string(count);
    trap("bad-variant", import, "variant discriminant " + n + " out of range (" + n + " cases)");
  }
  for (const auto& [import, size, align] : kReturnAreas) {
    const std::string n = std::to_string(size);
    trap("oob-retptr", import,
         "return area: guest pointer out of bounds: {mem}+" + n + " > memory size {mem}");
    trap("wrap-retptr", import,
         "return area: guest pointer out of bounds: 4294967288+" + n + " > memory size {mem}");
    trap("misaligned-retptr", import,
         "misaligned return pointer {ret+1} (alignment " + std::to_string(align) + ")");
  }
  trap("oob-params", "dlq",
       "parameter area: guest pointer out of bounds: {mem}+72 > memory size {mem}");
  trap("misaligned-params", "dlq", "misaligned parameter pointer {params+4} (alignment 8)");
  return out;
}

// Well-formed calls out of order, and results allocated through a
// cabi_realloc that misbehaves.
std::vector<Expected> scripted_calls() {
  const std::string unknown_handle = "TCP_BAD_HANDLE unknown tcp handle ";
  return {
      {"reentrant:batch-next", "", {"batch-next: end of input"}},
      {"reentrant:batch-ready", "", {"batch-ready: true"}},
      {"reentrant:batch-emit",
       "",
       {"batch-emit: UNKNOWN_STREAM a batch for stream 'nope', which this run does not carry "
        "(its streams: 's')"}},
      {"reentrant:committed-cursor",
       bad_call("committed-cursor",
                "a committed cursor for stream 'nope', which this run does not carry (its "
                "streams: 's')"),
       {}},
      {"reentrant:tcp-read-unopened", "", {"tcp-read: " + unknown_handle + "7"}},
      {"reentrant:tcp-write-unopened", "", {"tcp-write: " + unknown_handle + "7"}},
      {"reentrant:tcp-start-tls-unopened", "", {"tcp-start-tls: " + unknown_handle + "7"}},
      {"reentrant:tcp-close-unopened", "", {"tcp-close: ok"}},
      {"reentrant:tcp-read-closed", "", {"tcp-read: " + unknown_handle + "1"}},
      {"tcp-connect-past-the-limit",
       "",
       {"64 open, then tcp-connect: TCP_TOO_MANY connector 'test-hostile-imports' may hold at "
        "most 64 connections open at once; close one first"}},
      {"realloc-null:state-get",
       bad_call("state-get", "cabi_realloc returned null for 5 bytes"),
       {}},
      {"realloc-oob:state-get",
       bad_call("state-get",
                "cabi_realloc returned a block outside guest memory: {mem}+5 > memory size {mem}"),
       {}},
      {"realloc-trap:state-get",
       bad_call("state-get",
                "cabi_realloc trapped: wasm trap: wasm `unreachable` instruction executed"),
       {}},
      {"realloc-reentrant:state-get",
       "",
       {"reentered the host from cabi_realloc", "state-get: value"}},
  };
}

std::vector<Expected> all_cases() {
  auto cases = malformed_calls();
  for (auto& c : scripted_calls()) cases.push_back(std::move(c));
  return cases;
}

// ---- the host side -------------------------------------------------------------

// What the guest's calls reach: the engine's services of one source stage
// of stream "s" (pipeline "pipe"), with an output queue, a SQLite state
// backend holding "k" = "value" and a log the test reads back.
class SourceStage {
 public:
  explicit SourceStage(const std::filesystem::path& state_file)
      : state_(open_state(state_file)),
        log_(std::make_shared<spdlog::logger>(
            "hostile", std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text_))),
        services_({"pipe", "s", 1, p::ConnectorRole::kSource, nullptr, &output_, state_.get(),
                   nullptr, log_.get(), nullptr, 0},
                  &report_),
        host_({&services_}) {
    log_->set_pattern("%v");
    report_.connector_id = kGuest;
    EXPECT_TRUE(services_.state_put(p::StateScope::kPipeline, "k", "value"));
  }

  static std::unique_ptr<engine::SqliteStateBackend> open_state(const std::filesystem::path& file) {
    std::filesystem::create_directories(file.parent_path());
    return engine::SqliteStateBackend::open(file).value();
  }

  runtime::HostServices* host() { return &host_; }
  const engine::StageReport& report() const { return report_; }
  std::optional<std::string> state(const std::string& key) {
    return services_.state_get(p::StateScope::kPipeline, key).value();
  }
  // The guest's log lines, without the "[s/<connector>] " tag.
  std::vector<std::string> log_lines() const {
    const std::string tag = "[s/" + std::string(kGuest) + "] ";
    std::vector<std::string> out;
    std::istringstream in(log_text_.str());
    for (std::string line; std::getline(in, line);) {
      out.push_back(line.starts_with(tag) ? line.substr(tag.size()) : line);
    }
    return out;
  }

 private:
  engine::BatchQueue output_{4};
  std::unique_ptr<engine::SqliteStateBackend> state_;
  std::ostringstream log_text_;
  std::shared_ptr<spdlog::logger> log_;
  engine::StageReport report_;
  engine::StageServices services_;
  engine::StageHost host_;
};

// Replaces the marker's numbers in an expected message.
std::string expand(std::string text, const std::string& marker) {
  unsigned mem = 0, ret = 0, params = 0;
  EXPECT_EQ(std::sscanf(marker.c_str(), "memory=%u ret=%u params=%u", &mem, &ret, &params), 3)
      << marker;
  for (const auto& [token, value] : {std::pair<std::string, unsigned>{"{mem}", mem},
                                     {"{ret+1}", ret + 1},
                                     {"{params+4}", params + 4}}) {
    for (size_t at; (at = text.find(token)) != std::string::npos;)
      text.replace(at, token.size(), std::to_string(value));
  }
  return text;
}

class HostileGuestTest : public RuntimeTest {
 protected:
  runtime::SandboxPolicy policy() const {
    runtime::SandboxPolicy policy;
    policy.allowed_hosts = {"127.0.0.1"};
    policy.env = {{"HOSTILE_PORT", std::to_string(listener_.port())},
                  {"HOSTILE_CA_FILE", ca_file_}};
    return policy;
  }

  // A fresh instance of the guest on `host`, opened in `mode`.
  std::unique_ptr<runtime::ConnectorInstance> open(const std::string& mode,
                                                   runtime::HostServices* host) {
    auto module = load(test_guest(kGuest));
    if (!module) return nullptr;
    auto guest = runtime::ConnectorInstance::create(*engine_, module, host, policy());
    EXPECT_TRUE(guest) << guest.error().message;
    if (!guest) return nullptr;
    EXPECT_TRUE((*guest)->open(mode));
    return std::move(*guest);
  }

  // The host is unharmed: a new instance of the same module runs.
  void expect_next_guest_runs() {
    SourceStage stage(cache_dir_ / "next.db");
    auto guest = open("ok", stage.host());
    ASSERT_TRUE(guest);
    auto result = guest->run(read_request());
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(stage.log_lines().back(), "ok");
  }

  test::LoopbackListener listener_{128};  // room for every connection a guest may hold
  std::string ca_file_;
};

// ---- the data-driven test ------------------------------------------------------

class HostileImportTest : public HostileGuestTest,
                          public ::testing::WithParamInterface<Expected> {};

// Nothing of a call the host refused reached the stage: no batch, telemetry
// or state change, and no log line past the guest's marker.
void expect_stage_untouched(SourceStage& stage) {
  EXPECT_EQ(stage.report().batches_emitted, 0u);
  EXPECT_EQ(stage.report().checkpoints, 0u);
  EXPECT_TRUE(stage.report().metrics.empty());
  EXPECT_EQ(stage.report().dlq_records, 0u);
  EXPECT_EQ(stage.state("k"), "value");
  EXPECT_EQ(stage.log_lines().size(), 1u);
}

TEST_P(HostileImportTest, RefusedWithAClearErrorAndTheHostRunsOn) {
  const Expected& expected = GetParam();
  SourceStage stage(cache_dir_ / "hostile.db");
  auto guest = open(expected.mode, stage.host());
  ASSERT_TRUE(guest);
  auto result = guest->run(read_request());
  const auto lines = stage.log_lines();
  ASSERT_FALSE(lines.empty()) << "no marker";
  if (expected.trap.empty()) {
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(std::vector<std::string>(lines.begin() + 1, lines.end()), expected.answer);
  } else {
    ASSERT_FALSE(result) << "the host accepted " << expected.mode;
    EXPECT_EQ(result.error().category, p::ErrorCategory::kInternal);
    EXPECT_EQ(result.error().code, "GUEST_TRAP");
    EXPECT_EQ(result.error().message, kTrapped + expand(expected.trap, lines.front()));
    expect_stage_untouched(stage);
    EXPECT_EQ(guest->run(read_request()).error().code, "GUEST_POISONED");
  }
  guest.reset();
  expect_next_guest_runs();
}

void PrintTo(const Expected& expected, std::ostream* out) {
  *out << expected.mode;
}

std::string case_name(const ::testing::TestParamInfo<Expected>& info) {
  std::string name = info.param.mode;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(HostileGuest, HostileImportTest, ::testing::ValuesIn(all_cases()),
                         case_name);

// ---- the rest ------------------------------------------------------------------

// The canonical ABI reads any non-zero bool byte as true; it is not a fault.
TEST_F(HostileGuestTest, NonZeroBoolByteIsTrue) {
  auto guest = open("bool-2:dlq", &services_);
  ASSERT_TRUE(guest);
  auto result = guest->run(read_request());
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(services_.dlq_records.size(), 1u);
  EXPECT_TRUE(services_.dlq_records[0].error.retryable);
  EXPECT_EQ(services_.logs.back().second, "returned");
}

// tcp-start-tls names a CA file the host opens. One that is not a regular
// file is refused: OpenSSL would wait on a FIFO (or a terminal: /dev/stdin,
// /dev/tty) for a writer, blocking the stage where no cancellation reaches.
TEST_F(HostileGuestTest, CaFileThatIsNotARegularFileIsRefusedUnread) {
  std::filesystem::create_directories(cache_dir_);
  ca_file_ = (cache_dir_ / "ca.fifo").string();
  std::filesystem::remove(ca_file_);
  ASSERT_EQ(::mkfifo(ca_file_.c_str(), 0600), 0);
  // Should the host open the FIFO, this ends the wait (the reader then sees
  // the end of the file) so the test fails instead of hanging.
  std::jthread unblock([this](std::stop_token stop) {
    while (!stop.stop_requested()) {
      if (const int fd = ::open(ca_file_.c_str(), O_WRONLY | O_NONBLOCK); fd >= 0) ::close(fd);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  SourceStage stage(cache_dir_ / "ca.db");
  auto guest = open("tls-ca-file", stage.host());
  ASSERT_TRUE(guest);
  auto result = guest->run(read_request());
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(stage.log_lines().back(),
            "tcp-start-tls: TLS_SETUP cannot load CA file '" + ca_file_ + "': not a regular file");
}

// What a guest writes to stdout reaches the log as text: bytes that are not
// UTF-8 are replaced (U+FFFD), never passed on.
TEST_F(HostileGuestTest, InvalidUtf8OnStdoutIsReplacedInTheLog) {
  SourceStage stage(cache_dir_ / "stdout.db");
  auto guest = open("stdout-bad-utf8", stage.host());
  ASSERT_TRUE(guest);
  auto result = guest->run(read_request());
  ASSERT_TRUE(result) << result.error().message;
  const auto lines = stage.log_lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1], "stdout: ok \xEF\xBF\xBD( \xEF\xBF\xBD");
  EXPECT_TRUE(arrow::is_valid_utf8(lines[1]));
  EXPECT_EQ(lines[2], "wrote");
}

}  // namespace
}  // namespace rapidbyte::test
