// test-postgres-client.wasm: the portable PostgreSQL client running inside
// the sandbox over host TCP, driven by tests/postgres/wasm_client_test.cpp
// and bench/postgres_copy_bench.cpp. The config's "scenario" picks what
// `run` does:
//   "tls"   connect with SSLRequest + host TLS (server_name, verify,
//           ca_file), authenticate, emit "<ssl> <version> <user>" from
//           pg_stat_ssl as one raw batch;
//   "suite" read the columns of `source_table` with a binary extended query,
//           COPY it out in binary into Arrow (3-row batches) and emit them as
//           one Arrow IPC stream, COPY those batches into `dest_table`, then
//           run a query with binary parameters and emit its binary result
//           as a second IPC stream;
//   "copy"  COPY `source_table` out in binary into Arrow batches of
//           `batch_rows` and drop them (the benchmark); the summary counts
//           rows and CopyData bytes.
// Failures of the host (a refused certificate) are returned unchanged;
// client and server errors as their connector errors.
#include <string>
#include <vector>

#include "guest/sdk/sdk.hpp"
#include "portable/arrow/ipc_writer.hpp"
#include "portable/base/try.hpp"
#include "portable/postgres/arrow_batch_builder.hpp"
#include "portable/postgres/copy_binary_decoder.hpp"
#include "portable/postgres/copy_binary_encoder.hpp"
#include "tests/guests/postgres_guest_transport.hpp"

namespace {

using namespace rapidbyte;
using postgres::Result;
using test_guests::GuestTcpTransport;

uint32_t be32(std::span<const uint8_t> b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

std::vector<uint8_t> be64(int64_t v) {
  std::vector<uint8_t> out(8);
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<uint8_t>(static_cast<uint64_t>(v) >> (56 - 8 * i));
  return out;
}

std::string text(std::span<const uint8_t> b) {
  return std::string(b.begin(), b.end());
}

class PostgresClient final : public sdk::Source {
 public:
  sdk::Result<void> open(std::string_view config_json) override {
    RB_ASSIGN_OR_RETURN(auto config, sdk::JsonConfig::parse(config_json));
    auto host = config.get_string("host", "127.0.0.1");
    auto user = config.get_string("user", "postgres");
    auto password = config.get_string("password", "");
    auto database = config.get_string("database", "postgres");
    auto scenario = config.get_string("scenario", "suite");
    auto source_table = config.get_string("source_table", "");
    auto dest_table = config.get_string("dest_table", "");
    auto ssl_mode = config.get_string("ssl_mode", "disable");
    auto server_name = config.get_string("server_name", "localhost");
    auto verify = config.get_string("verify", "verify-full");
    auto ca_file = config.get_string("ca_file", "");
    for (auto* r : {&host, &user, &password, &database, &scenario, &source_table, &dest_table,
                    &ssl_mode, &server_name, &verify, &ca_file}) {
      if (!*r) return std::unexpected(r->error());
    }
    auto port = config.get_u64("port", 5432);
    auto batch_rows = config.get_u64("batch_rows", 8192);
    if (!port) return std::unexpected(port.error());
    if (!batch_rows) return std::unexpected(batch_rows.error());
    host_ = *host;
    port_ = static_cast<uint16_t>(*port);
    scenario_ = *scenario;
    source_table_ = *source_table;
    dest_table_ = *dest_table;
    batch_rows_ = static_cast<int64_t>(*batch_rows);
    options_.user = *user;
    options_.password = *password;
    options_.database = *database;
    options_.application_name = "rapidbyte-wasm-tests";
    if (*ssl_mode != "disable") {
      options_.ssl_mode =
          *ssl_mode == "prefer" ? postgres::SslMode::kPrefer : postgres::SslMode::kRequire;
      protocol::TlsOptions tls;
      tls.server_name = *server_name;
      tls.verify = *verify == "none"        ? protocol::TlsVerify::kNone
                   : *verify == "verify-ca" ? protocol::TlsVerify::kVerifyCa
                                            : protocol::TlsVerify::kVerifyFull;
      if (!ca_file->empty()) tls.ca_file = *ca_file;
      options_.tls_upgrade = GuestTcpTransport::upgrade_with(tls);
    }
    return {};
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx, const protocol::RunRequest&) override {
    RB_ASSIGN_OR_RETURN(auto stream, ctx.tcp_connect(host_, port_, 5000));
    host_error_ = std::make_shared<std::optional<protocol::ConnectorError>>();
    auto connection = postgres::Connection::connect(
        std::make_unique<GuestTcpTransport>(std::move(stream), host_error_), options_);
    if (!connection) return failure(connection.error());
    postgres::Connection& c = *connection;
    if (scenario_ == "tls") return run_tls(ctx, c);
    if (scenario_ == "copy") return run_copy(c);
    if (scenario_ == "suite") return run_suite(ctx, c);
    return sdk::config_error("unknown scenario '" + scenario_ + "'");
  }

 private:
  std::unexpected<protocol::ConnectorError> failure(const postgres::PgError& error) const {
    if (host_error_ && *host_error_) return std::unexpected(**host_error_);
    return std::unexpected(error.to_connector_error());
  }
  template <class T>
  std::unexpected<protocol::ConnectorError> failure(const arrow::Result<T>& r) const {
    return sdk::internal_error("arrow: " + r.error().message);
  }

  sdk::Result<protocol::RunSummary> run_tls(sdk::Context& ctx, postgres::Connection& c) {
    auto r = c.simple_query(
        "SELECT ssl::text, version, current_user FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
    if (!r) return failure(r.error());
    if (r->size() != 1 || (*r)[0].rows.size() != 1)
      return sdk::internal_error("no pg_stat_ssl row");
    std::string line;
    for (const auto& v : (*r)[0].rows[0]) line += (line.empty() ? "" : " ") + v.value_or("NULL");
    RB_TRY(ctx.batch_emit({reinterpret_cast<const uint8_t*>(line.data()), line.size()}));
    return sdk::summary(protocol::ReadSummary{});
  }

  // The source table's columns, through a binary extended query.
  Result<std::vector<postgres::ColumnSpec>> columns(postgres::Connection& c) {
    std::vector<postgres::ColumnSpec> out;
    const std::vector<postgres::Param> params = {postgres::Param::text(source_table_)};
    postgres::RowSink sink{
        nullptr, [&](std::span<const postgres::ColumnValue> row) -> Result<void> {
          if (row.size() != 3 || row[1].bytes.size() != 4 || row[2].bytes.size() != 4) {
            return postgres::fail(postgres::protocol_error("bad column row"));
          }
          out.push_back(
              {text(row[0].bytes), {be32(row[1].bytes), static_cast<int32_t>(be32(row[2].bytes))}});
          return {};
        }};
    auto r = c.query(
        "SELECT attname, atttypid, atttypmod FROM pg_attribute WHERE attrelid = $1::regclass "
        "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        params, sink);
    if (!r) return postgres::fail(std::move(r).error());
    return out;
  }

  // Enum types and their array types, for the codecs.
  Result<postgres::CodecOptions> codec_options(postgres::Connection& c) {
    postgres::CodecOptions options;
    postgres::RowSink sink{
        nullptr, [&](std::span<const postgres::ColumnValue> row) -> Result<void> {
          if (row.size() != 2 || row[0].bytes.size() != 4 || row[1].bytes.size() != 4) {
            return postgres::fail(postgres::protocol_error("bad enum row"));
          }
          options.enum_oids.push_back(be32(row[0].bytes));
          options.array_types.push_back({be32(row[1].bytes), be32(row[0].bytes)});
          return {};
        }};
    auto r = c.query("SELECT oid, typarray FROM pg_type WHERE typtype = 'e'", {}, sink);
    if (!r) return postgres::fail(std::move(r).error());
    return options;
  }

  sdk::Result<protocol::RunSummary> run_copy(postgres::Connection& c) {
    auto cols = columns(c);
    if (!cols) return failure(cols.error());
    auto builder = postgres::ArrowBatchBuilder::make(*cols);
    if (!builder) return failure(builder.error());
    protocol::ReadSummary summary;
    postgres::CopyBinaryDecoder decoder(
        std::move(*builder), batch_rows_, [&](arrow::RecordBatch batch) -> Result<void> {
          summary.records += static_cast<uint64_t>(batch.num_rows());
          ++summary.batches;
          return {};
        });
    auto rows = c.copy_out_chunks("COPY " + source_table_ + " TO STDOUT (FORMAT binary)",
                                  [&](std::span<const std::span<const uint8_t>> chunks) {
                                    for (auto chunk : chunks) summary.bytes += chunk.size();
                                    return decoder.feed(chunks);
                                  });
    if (!rows) return failure(rows.error());
    if (auto f = decoder.finish(); !f) return failure(f.error());
    if (*rows != summary.records) return sdk::internal_error("row count mismatch");
    return sdk::summary(summary);
  }

  sdk::Result<protocol::RunSummary> run_suite(sdk::Context& ctx, postgres::Connection& c) {
    auto cols = columns(c);
    if (!cols) return failure(cols.error());
    auto options = codec_options(c);
    if (!options) return failure(options.error());
    auto builder = postgres::ArrowBatchBuilder::make(*cols, *options);
    if (!builder) return failure(builder.error());
    const auto schema = builder->schema();
    std::vector<arrow::RecordBatch> batches;
    postgres::CopyBinaryDecoder decoder(std::move(*builder), 3,
                                        [&](arrow::RecordBatch batch) -> Result<void> {
                                          batches.push_back(std::move(batch));
                                          return {};
                                        });
    auto rows = c.copy_out("COPY " + source_table_ + " TO STDOUT (FORMAT binary)",
                           [&](std::span<const uint8_t> chunk) { return decoder.feed(chunk); });
    if (!rows) return failure(rows.error());
    if (auto f = decoder.finish(); !f) return failure(f.error());
    auto ipc = arrow::write_ipc_stream(schema, batches);
    if (!ipc) return failure(ipc);
    RB_TRY(ctx.batch_emit(*ipc));

    // COPY the decoded batches back in.
    std::vector<postgres::PgColumnType> types;
    for (const auto& col : *cols) types.push_back(col.type);
    auto encoder = postgres::CopyBinaryEncoder::make(types, *options);
    if (!encoder) return failure(encoder.error());
    if (auto b = c.copy_in_begin("COPY " + dest_table_ + " FROM STDIN (FORMAT binary)"); !b) {
      return failure(b.error());
    }
    std::vector<uint8_t> out;
    encoder->header(out);
    for (const arrow::RecordBatch& batch : batches) {
      if (auto e = encoder->encode(batch, out); !e) return failure(e.error());
      if (auto w = c.copy_in_write(out); !w) return failure(w.error());
      out.clear();
    }
    encoder->trailer(out);
    if (auto w = c.copy_in_write(out); !w) return failure(w.error());
    auto loaded = c.copy_in_end();
    if (!loaded) return failure(loaded.error());

    // Binary parameters in, binary results into Arrow.
    std::optional<postgres::ArrowBatchBuilder> result_builder;
    postgres::RowSink sink{
        [&](const std::vector<postgres::FieldDescription>& fields) -> Result<void> {
          auto b = postgres::ArrowBatchBuilder::make(fields);
          if (!b) return postgres::fail(std::move(b).error());
          result_builder.emplace(std::move(*b));
          return {};
        },
        [&](std::span<const postgres::ColumnValue> row) {
          return result_builder->append_row(row);
        }};
    const std::string greeting = "h\xC3\xA9llo";
    const std::vector<postgres::Param> params = {
        postgres::Param::binary(be64(21), 20),
        postgres::Param::binary(std::vector<uint8_t>(greeting.begin(), greeting.end()), 25),
        postgres::Param::binary({0x00, 0xFF, 0x10}, 17), postgres::Param::null(23)};
    auto q = c.query(
        "SELECT $1::int8 * 2 AS doubled, $2::text || '!' AS greeting, $3::bytea AS raw, "
        "$4::int4 AS missing, x AS x FROM generate_series(1, 2) x",
        params, sink);
    if (!q) return failure(q.error());
    if (!result_builder) return sdk::internal_error("no row description");
    auto result = result_builder->finish_batch();
    if (!result) return failure(result.error());
    auto result_ipc = arrow::write_ipc_stream(result->schema(), {*result});
    if (!result_ipc) return failure(result_ipc);
    RB_TRY(ctx.batch_emit(*result_ipc));

    protocol::ReadSummary summary;
    summary.records = *rows;
    summary.batches = batches.size();
    return sdk::summary(summary);
  }

  std::string host_;
  uint16_t port_ = 0;
  std::string scenario_;
  std::string source_table_;
  std::string dest_table_;
  int64_t batch_rows_ = 8192;
  postgres::ConnectOptions options_;
  GuestTcpTransport::ErrorSlot host_error_;
};

}  // namespace

RAPIDBYTE_EXPORT_SOURCE(PostgresClient)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "test-postgres-client",
  "version": "0.1.0",
  "protocol_version": 4,
  "roles": ["source"],
  "description": "Test guest: the portable PostgreSQL client over host TCP (TLS, queries, COPY).",
  "capabilities": {"sync_modes": ["full_refresh"], "write_modes": []},
  "permissions": {"network": {"hosts": [], "hosts_from_config": ["host"]}, "env": [], "filesystem": []},
  "resources": {"memory_mb": 256},
  "config_schema": {"type": "object"}
});
// clang-format on
