// The sandbox: guests that loop forever, allocate past their cap, trap, reach
// for a host they may not, or were built for another world each end in the
// documented error, and the host goes on running other guests.
#include <gtest/gtest.h>

#include <thread>

#include "tests/host/runtime_fixture.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

p::RunRequest read_request(const std::string& stream = "s") {
  p::RunRequest req;
  req.phase = p::RunPhase::kRead;
  p::StreamContext ctx;
  ctx.stream_name = stream;
  req.streams.push_back(ctx);
  return req;
}

class SandboxTest : public RuntimeTest {
 protected:
  // Runs the read of test-misbehave in `mode` under `policy`; the error it
  // ends with (the read must fail).
  p::ConnectorError misbehave(const std::string& mode, const runtime::SandboxPolicy& policy) {
    auto guest = instantiate(test_guest("test-misbehave"), policy);
    EXPECT_TRUE(guest);
    if (!guest) return {};
    EXPECT_TRUE(guest->open(mode));
    auto result = guest->run(read_request());
    EXPECT_FALSE(result);
    return result ? p::ConnectorError{} : result.error();
  }
};

TEST_F(SandboxTest, EndlessLoopStopsAtWallClockLimit) {
  runtime::SandboxPolicy policy;
  policy.call_timeout = std::chrono::milliseconds(300);
  auto guest = instantiate(test_guest("test-misbehave"), policy);
  ASSERT_TRUE(guest);
  ASSERT_TRUE(guest->open("loop"));
  const auto started = std::chrono::steady_clock::now();
  auto result = guest->run(read_request());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "GUEST_TIMEOUT");
  EXPECT_EQ(result.error().category, p::ErrorCategory::kInternal);
  EXPECT_EQ(
      result.error().message,
      "connector '" + guest->id() + "' exceeded its wall-clock limit of 300 ms during phase read");
  // It stopped: well before a test timeout, whatever the machine's load.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
}

// Without a wall-clock limit (a continuous run may wait for data forever), a
// guest that computes without ever calling the host is still stopped.
TEST_F(SandboxTest, EndlessLoopStopsAtNoProgressLimit) {
  runtime::SandboxPolicy policy;
  policy.no_progress_timeout = std::chrono::milliseconds(300);
  const p::ConnectorError error = misbehave("loop", policy);
  EXPECT_EQ(error.code, "GUEST_NO_PROGRESS");
  EXPECT_EQ(error.message,
            "connector 'test-misbehave' ran its own code for 300 ms without calling the host "
            "during phase read (an "
            "endless loop?); the limit is resources.no_progress_timeout_seconds");
}

// Time the guest spends waiting in a host call is not its own, including
// when the host calls back into it (cabi_realloc) to hand over the result:
// a batch that took longer than the limit to arrive is not a stall.
TEST_F(SandboxTest, WaitingInAHostCallIsNotAStall) {
  runtime::SandboxPolicy policy;
  policy.no_progress_timeout = std::chrono::milliseconds(300);
  services_.batch_delay = std::chrono::milliseconds(900);
  services_.to_deliver = {{1, 2, 3}};
  auto guest = instantiate(test_guest("test-abi-echo"), policy);
  ASSERT_TRUE(guest);
  ASSERT_TRUE(guest->open(""));
  auto result = guest->run(read_request());
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(services_.emitted.size(), 2u);
  EXPECT_EQ(services_.emitted[1], (std::vector<uint8_t>{3, 2, 1}));
}

// What a guest hands the host in one call is bounded before the host takes
// a copy: a 2 MiB log line against a 1 MiB bound ends the guest, named.
TEST_F(SandboxTest, OversizedArgumentsAreRefusedBeforeTheHostCopiesThem) {
  runtime::SandboxPolicy policy;
  policy.max_copy_out_bytes = 1u << 20;
  const p::ConnectorError error = misbehave("flood", policy);
  EXPECT_EQ(error.code, "GUEST_TRAP") << error.message;
  EXPECT_NE(error.message.find("the call hands the host 2097152 bytes, more than the "
                               "1048576 a guest may in one call"),
            std::string::npos)
      << error.message;
  EXPECT_TRUE(services_.logs.empty());
}

TEST_F(SandboxTest, AllocationPastCapStopsAtMemoryLimit) {
  runtime::SandboxPolicy policy;
  policy.memory_limit_bytes = 32u << 20;
  const p::ConnectorError error = misbehave("hog", policy);
  EXPECT_EQ(error.code, "GUEST_MEMORY_LIMIT");
  EXPECT_TRUE(error.message.starts_with(
      "connector 'test-misbehave' reached its memory limit of 32 MiB during phase read"))
      << error.message;
}

TEST_F(SandboxTest, EndlessRecursionSaysStackExhausted) {
  const p::ConnectorError error = misbehave("recurse", {});
  EXPECT_EQ(error.code, "GUEST_STACK_EXHAUSTED") << error.message;
  EXPECT_EQ(error.message,
            "connector 'test-misbehave' exhausted its wasm call stack during phase read (a "
            "recursion too deep, or frames too large?)");
}

TEST_F(SandboxTest, ShadowStackOverflowSaysStackExhausted) {
  // Without the check, this would read as an out-of-bounds store at 0xffff....
  const p::ConnectorError error = misbehave("deep_frames", {});
  EXPECT_EQ(error.code, "GUEST_STACK_EXHAUSTED") << error.message;
  EXPECT_EQ(error.message,
            "connector 'test-misbehave' exhausted its shadow stack in linear memory during phase "
            "read (a recursion too deep, or frames too large?)");
}

TEST_F(SandboxTest, OutOfBoundsStoreNamesTheAddressInOneLine) {
  const p::ConnectorError error = misbehave("oob", {});
  EXPECT_EQ(error.code, "GUEST_TRAP") << error.message;
  EXPECT_TRUE(
      error.message.starts_with("connector 'test-misbehave' trapped during phase read: "
                                "memory fault at wasm address 0xfffffff0 in linear memory "
                                "of size 0x"))
      << error.message;
  EXPECT_TRUE(error.message.ends_with(": wasm trap: out of bounds memory access")) << error.message;
}

TEST_F(SandboxTest, TrapBecomesStructuredErrorAndPoisonsInstance) {
  auto guest = instantiate(test_guest("test-misbehave"));
  ASSERT_TRUE(guest);
  ASSERT_TRUE(guest->open("trap"));
  auto result = guest->run(read_request());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "GUEST_TRAP");
  EXPECT_TRUE(result.error().message.starts_with("connector '" + guest->id() +
                                                 "' trapped during phase read: "))
      << result.error().message;
  auto again = guest->run(read_request());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "GUEST_POISONED");
}

TEST_F(SandboxTest, HostKeepsRunningOtherGuestsWhileOneMisbehaves) {
  runtime::SandboxPolicy slow;
  slow.call_timeout = std::chrono::milliseconds(500);
  RecordingServices other_services;
  auto module = load(test_guest("test-misbehave"));
  ASSERT_TRUE(module);
  std::optional<p::ConnectorError> looping_error;
  std::thread looping([&] {
    auto guest = runtime::ConnectorInstance::create(*engine_, module, &other_services, slow);
    ASSERT_TRUE(guest);
    ASSERT_TRUE((*guest)->open("loop"));
    auto r = (*guest)->run(read_request());
    if (!r) looping_error = r.error();
  });
  auto healthy = instantiate(test_guest("test-misbehave"));
  ASSERT_TRUE(healthy);
  ASSERT_TRUE(healthy->open("ok"));
  auto summary = healthy->run(read_request());
  ASSERT_TRUE(summary) << summary.error().message;
  EXPECT_EQ(summary->role, p::ConnectorRole::kSource);
  looping.join();
  ASSERT_TRUE(looping_error);
  EXPECT_EQ(looping_error->code, "GUEST_TIMEOUT");
}

TEST_F(SandboxTest, TcpConnectToHostNotAllowedIsPermissionError) {
  runtime::SandboxPolicy policy;
  policy.allowed_hosts = {"db.internal"};
  auto guest = instantiate(test_guest("test-abi-echo"), policy);
  ASSERT_TRUE(guest);
  ASSERT_TRUE(guest->open(""));
  auto result = guest->run(read_request("tcp"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().category, p::ErrorCategory::kPermission);
  EXPECT_EQ(result.error().code, "NETWORK_DENIED");
  EXPECT_EQ(result.error().message, "connector '" + guest->id() +
                                        "' may not connect to host 'db.example.invalid': not in "
                                        "its allowed network hosts");
}

TEST_F(SandboxTest, ModuleBuiltForAnotherWorldIsRefused) {
  auto module = engine_->load(test_guest("test-other-world"));
  ASSERT_FALSE(module);
  EXPECT_EQ(module.error(), "connector module " + test_guest("test-other-world").string() +
                                ": module targets 'example:widget/widget-world@1.0.0', not a "
                                "rapidbyte:connector@4.0.0 connector world");
}

TEST_F(SandboxTest, FileThatIsNotWasmIsRefused) {
  const auto path = cache_dir_ / "not-wasm.wasm";
  std::filesystem::create_directories(cache_dir_);
  std::ofstream(path) << "hello";
  auto module = engine_->load(path);
  ASSERT_FALSE(module);
  EXPECT_EQ(module.error(), "connector module " + path.string() +
                                ": not a WebAssembly core module (bad magic or version)");
}

}  // namespace
}  // namespace rapidbyte::test
