// The portable PostgreSQL client compiled to wasm (test-postgres-client)
// running in wasmtime through the host's TCP and TLS, against a private
// cluster with ssl=on. Results are checked on the server side.
#include <gtest/gtest.h>

#include "portable/arrow/binary_array.hpp"
#include "portable/arrow/ipc_reader.hpp"
#include "portable/arrow/primitive_array.hpp"
#include "portable/base/try.hpp"
#include "tests/host/runtime_fixture.hpp"
#include "tests/postgres/type_table.hpp"
#include "tests/support/libpq_session.hpp"
#include "tests/support/postgres_cluster.hpp"

namespace rapidbyte::test {
namespace {

namespace p = rapidbyte::protocol;

class WasmClientTest : public test::RuntimeTest {
 protected:
  static void SetUpTestSuite() {
    RuntimeTest::SetUpTestSuite();
    PostgresClusterOptions options;
    options.ssl = true;
    options.hba_lines = {
        "hostssl all rb_tls 127.0.0.1/32 scram-sha-256",
        "host all rb_tls 127.0.0.1/32 reject",
        "host all all 127.0.0.1/32 scram-sha-256",
    };
    cluster_ = std::make_unique<PostgresCluster>(options);
    cluster_->create_user("rb_tls", "tls-pw");
    cluster_->create_user("rb_wasm", "wasm-pw");
    cluster_->exec(create_type_tables("wasm_src", "wasm_dst") +
                   "; ALTER TABLE wasm_dst OWNER TO rb_wasm; GRANT SELECT ON wasm_src TO rb_wasm");
  }
  static void TearDownTestSuite() {
    cluster_.reset();
    RuntimeTest::TearDownTestSuite();
  }

  // Runs test-postgres-client with `extra` config fields; the emitted
  // batches land in services_.emitted.
  runtime::ConnectorResult<p::RunSummary> run_guest(const std::string& extra) {
    runtime::SandboxPolicy policy;
    policy.allowed_hosts = {PostgresCluster::kHost};
    auto guest = instantiate(test::test_guest("test-postgres-client"), policy);
    EXPECT_TRUE(guest);
    if (!guest) return std::unexpected(p::ConnectorError{});
    const std::string config =
        R"({"host": "127.0.0.1", "port": )" + std::to_string(cluster_->port()) + ", " + extra + "}";
    RB_TRY(guest->open(config));
    return guest->run(p::RunRequest{});
  }

  std::string tls_config(bool with_ca) {
    std::string c =
        R"("scenario": "tls", "user": "rb_tls", "password": "tls-pw", "ssl_mode": "require")";
    if (with_ca) c += R"(, "ca_file": ")" + cluster_->ca_file().string() + "\"";
    return c;
  }

  static inline std::unique_ptr<PostgresCluster> cluster_;
};

TEST_F(WasmClientTest, TlsVerifyFullWithTheCaAuthenticatesWithScram) {
  auto summary = run_guest(tls_config(true));
  ASSERT_TRUE(summary) << summary.error().message;
  ASSERT_EQ(services_.emitted.size(), 1u);
  const std::string line(services_.emitted[0].begin(), services_.emitted[0].end());
  EXPECT_EQ(line, "true TLSv1.3 rb_tls");
}

TEST_F(WasmClientTest, TlsVerifyFullWithoutTheCaFailsWithTheHostsError) {
  auto summary = run_guest(tls_config(false));
  ASSERT_FALSE(summary);
  EXPECT_EQ(summary.error().code, "TLS_VERIFY");
  EXPECT_EQ(summary.error().category, p::ErrorCategory::kConfig);
  EXPECT_EQ(summary.error().message,
            "server certificate for 'localhost' could not be verified: self-signed certificate");
  EXPECT_TRUE(services_.emitted.empty());
}

TEST_F(WasmClientTest, TlsWithAnotherServerNameFails) {
  auto summary = run_guest(tls_config(true) + R"(, "server_name": "db.example.com")");
  ASSERT_FALSE(summary);
  EXPECT_EQ(summary.error().code, "TLS_VERIFY");
  EXPECT_EQ(summary.error().message,
            "server certificate for 'db.example.com' could not be verified: hostname mismatch");
}

TEST_F(WasmClientTest, PlainConnectionRefusedByHbaIsAnAuthError) {
  auto summary = run_guest(R"("scenario": "tls", "user": "rb_tls", "password": "tls-pw")");
  ASSERT_FALSE(summary);
  EXPECT_EQ(summary.error().category, p::ErrorCategory::kAuth);
  EXPECT_EQ(summary.error().code, "PG_28000");
  EXPECT_EQ(summary.error().message,
            "pg_hba.conf rejects connection for host \"127.0.0.1\", user \"rb_tls\", database "
            "\"postgres\", no encryption");
}

std::string table_text(LibpqSession& s, const std::string& table) {
  return *s.value("SELECT string_agg(x::text, E'\\n' ORDER BY id) FROM " + table + " x");
}

TEST_F(WasmClientTest, CoreSuiteRunsInsideWasm) {
  cluster_->exec("TRUNCATE wasm_dst");
  auto summary = run_guest(R"("scenario": "suite", "user": "rb_wasm", "password": "wasm-pw", )"
                           R"("source_table": "wasm_src", "dest_table": "wasm_dst")");
  ASSERT_TRUE(summary) << summary.error().message;
  ASSERT_TRUE(summary->read.has_value());
  EXPECT_EQ(summary->read->records, 7u);
  EXPECT_EQ(summary->read->batches, 3u);

  // COPY IN from the guest: the server holds exactly the source table.
  LibpqSession s(cluster_->admin_conninfo());
  EXPECT_EQ(table_text(s, "wasm_dst"), table_text(s, "wasm_src"));

  // COPY OUT decoded into Arrow in the guest: 3 + 3 + 1 rows; the columns
  // mapped to utf8 hold the server's own text.
  ASSERT_EQ(services_.emitted.size(), 2u);
  auto copied = arrow::read_ipc_stream(services_.emitted[0]);
  ASSERT_TRUE(copied) << copied.error().message;
  ASSERT_EQ(copied->batches.size(), 3u);
  EXPECT_EQ(copied->batches[0].num_rows(), 3);
  EXPECT_EQ(copied->batches[2].num_rows(), 1);
  EXPECT_TRUE(copied->schema->to_string().starts_with(
      "id: int32\nb: bool\ni2: int16\ni8: int64\nf4: float32\nf8: float64\nn: utf8\n"
      "nd: decimal128(12, 3)\n"))
      << copied->schema->to_string();
  for (const char* name : {"n", "t", "ch", "ttz", "ip", "cd", "e", "j", "jb"}) {
    const int col = copied->schema->field_index(name);
    ASSERT_GE(col, 0) << name;
    const auto expected = s.query(std::string("SELECT ") + name + " FROM wasm_src ORDER BY id");
    ASSERT_EQ(expected.size(), 7u);
    size_t row = 0;
    for (const arrow::RecordBatch& batch : copied->batches) {
      const arrow::BinaryArray values(batch.column(col));
      for (int64_t i = 0; i < batch.num_rows(); ++i, ++row) {
        const auto& want = expected[row][0];
        ASSERT_EQ(values.is_null(i), !want.has_value()) << name << " row " << row;
        if (want) {
          EXPECT_EQ(std::string(values.value(i)), *want) << name << " row " << row;
        }
      }
    }
  }

  // Binary parameters in, binary results into Arrow.
  auto result = arrow::read_ipc_stream(services_.emitted[1]);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->batches.size(), 1u);
  const arrow::RecordBatch& r = result->batches[0];
  EXPECT_EQ(result->schema->to_string(),
            "doubled: int64\ngreeting: utf8\nraw: binary\nmissing: int32\nx: int32");
  ASSERT_EQ(r.num_rows(), 2);
  const arrow::Int64Array doubled(r.column(0));
  const arrow::BinaryArray greeting(r.column(1));
  const arrow::BinaryArray raw(r.column(2));
  const arrow::Int32Array missing(r.column(3));
  const arrow::Int32Array x(r.column(4));
  for (int64_t i = 0; i < 2; ++i) {
    EXPECT_EQ(doubled.value(i), 42);
    EXPECT_EQ(greeting.value(i), "h\xC3\xA9llo!");
    EXPECT_EQ(raw.value(i), std::string("\x00\xFF\x10", 3));
    EXPECT_TRUE(missing.is_null(i));
    EXPECT_EQ(x.value(i), i + 1);
  }
}

}  // namespace
}  // namespace rapidbyte::test
