#include "portable/postgres/connection.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "portable/base/try.hpp"
#include "portable/crypto/md5.hpp"
#include "portable/postgres/frontend_writer.hpp"
#include "portable/postgres/scram_client.hpp"

namespace rapidbyte::postgres {
namespace {

using protocol::ErrorCategory;

constexpr int32_t kProtocolVersion3 = 196608;  // 3.0
constexpr int32_t kSslRequestCode = 80877103;
constexpr int32_t kCancelRequestCode = 80877102;
// COPY IN data is sent in messages of at most this size, and flushed when
// the output buffer grows past it.
constexpr size_t kCopyChunkBytes = size_t{256} * 1024;

std::string_view as_text(std::span<const uint8_t> bytes) {
  return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

PgError unexpected_message(char type, const char* during) {
  return protocol_error(std::string("unexpected message '") + type + "' during " + during);
}

}  // namespace

Connection::~Connection() {
  if (stream_ == nullptr || stream_->transport() == nullptr) return;
  if (!broken_) {
    FrontendWriter w(stream_->output());
    w.begin('X');
    w.end();
    (void)stream_->flush();
  }
  stream_->transport()->close();
}

Result<Connection> Connection::connect(std::unique_ptr<Transport> transport,
                                       const ConnectOptions& options) {
  if (transport == nullptr) return fail(client_error(ErrorCategory::kConfig, "no transport"));
  Connection conn(std::move(transport), options.max_message_bytes);
  conn.cancel_transport_ = options.cancel_transport;
  if (options.ssl_mode != SslMode::kDisable) {
    RB_TRY(conn.negotiate_ssl(options));
  }
  RB_TRY(conn.startup(options));
  return conn;
}

Result<void> Connection::negotiate_ssl(const ConnectOptions& options) {
  if (!options.tls_upgrade) {
    return fail(client_error(ErrorCategory::kConfig, "sslmode needs a TLS upgrade callback"));
  }
  FrontendWriter w(stream_->output());
  w.begin_untyped();
  w.put_i32(kSslRequestCode);
  w.end();
  RB_TRY(send());
  RB_ASSIGN_OR_RETURN(uint8_t answer, stream_->read_byte());
  if (answer == 'S') {
    if (stream_->buffered_input() != 0) {
      broken_ = true;
      return fail(protocol_error("server sent unencrypted data after accepting SSL"));
    }
    RB_ASSIGN_OR_RETURN(std::unique_ptr<Transport> tls,
                        options.tls_upgrade(stream_->release_transport()));
    if (tls == nullptr) return fail(client_error(ErrorCategory::kConfig, "TLS upgrade failed"));
    stream_->reset_transport(std::move(tls));
    return {};
  }
  if (answer == 'N') {
    if (options.ssl_mode == SslMode::kRequire) {
      return fail(
          client_error(ErrorCategory::kConfig, "server does not support SSL, but sslmode=require"));
    }
    return {};
  }
  broken_ = true;
  return fail(protocol_error("unexpected answer to SSLRequest"));
}

Result<void> Connection::startup(const ConnectOptions& options) {
  FrontendWriter w(stream_->output());
  w.begin_untyped();
  w.put_i32(kProtocolVersion3);
  auto param = [&](std::string_view name, std::string_view value) {
    w.put_cstring(name);
    w.put_cstring(value);
  };
  param("user", options.user);
  if (!options.database.empty()) param("database", options.database);
  if (!options.application_name.empty()) param("application_name", options.application_name);
  param("client_encoding", "UTF8");
  param("DateStyle", "ISO");
  for (const auto& [name, value] : options.parameters) param(name, value);
  w.put_u8(0);
  w.end();
  RB_TRY(send());

  return read_replies("startup", [&](const BackendMessage& msg) -> Result<Reply> {
    switch (msg.type) {
      case backend::kAuthentication: {
        RB_ASSIGN_OR_RETURN(Authentication request, parse_authentication(msg.body));
        RB_TRY(authenticate(options, request));
        return Reply::kConsumed;
      }
      case backend::kBackendKeyData: {
        RB_ASSIGN_OR_RETURN(backend_key_, parse_backend_key_data(msg.body));
        return Reply::kConsumed;
      }
      case backend::kErrorResponse: {
        // Before ReadyForQuery an error is FATAL: the server closes the
        // connection, there is no cycle to drain.
        RB_ASSIGN_OR_RETURN(PgError error, parse_error_fields(msg.body));
        broken_ = true;
        return fail(std::move(error));
      }
      default:
        return Reply::kNotMine;
    }
  });
}

Result<void> Connection::authenticate(const ConnectOptions& options,
                                      const Authentication& request) {
  FrontendWriter w(stream_->output());
  switch (static_cast<AuthRequest>(request.code)) {
    case AuthRequest::kOk:
      return {};
    case AuthRequest::kCleartextPassword:
      w.begin('p');
      w.put_cstring(options.password);
      w.end();
      return send();
    case AuthRequest::kMd5Password: {
      // "md5" + md5(md5(password + user) + salt), PostgreSQL's md5 scheme.
      const std::string inner = crypto::md5_hex(options.password + options.user);
      const std::string outer = crypto::md5_hex(inner + std::string(as_text(request.data)));
      w.begin('p');
      w.put_cstring("md5" + outer);
      w.end();
      return send();
    }
    case AuthRequest::kSasl:
      return scram(options, request);
    default:
      broken_ = true;
      return fail(client_error(ErrorCategory::kConfig,
                               "server asks for an unsupported authentication method (code " +
                                   std::to_string(request.code) + ")"));
  }
}

Result<void> Connection::scram(const ConnectOptions& options, const Authentication& request) {
  if (std::find(request.mechanisms.begin(), request.mechanisms.end(), ScramClient::kMechanism) ==
      request.mechanisms.end()) {
    broken_ = true;
    return fail(client_error(ErrorCategory::kConfig, "server offers no SCRAM-SHA-256"));
  }
  RB_ASSIGN_OR_RETURN(std::string nonce, ScramClient::random_nonce());
  ScramClient client("", options.password, std::move(nonce));
  const std::string first = client.client_first();
  FrontendWriter w(stream_->output());
  w.begin('p');
  w.put_cstring(ScramClient::kMechanism);
  w.put_i32(static_cast<int32_t>(first.size()));
  w.put_bytes(first);
  w.end();
  RB_TRY(send());

  // AuthenticationSASLContinue, then AuthenticationSASLFinal; an
  // ErrorResponse (wrong password) can come instead of either.
  for (int step = 0; step < 2; ++step) {
    RB_ASSIGN_OR_RETURN(BackendMessage msg, next());
    if (msg.type == backend::kErrorResponse) {
      RB_ASSIGN_OR_RETURN(PgError error, parse_error_fields(msg.body));
      broken_ = true;
      return fail(std::move(error));
    }
    if (msg.type != backend::kAuthentication) {
      broken_ = true;
      return fail(unexpected_message(msg.type, "SCRAM authentication"));
    }
    RB_ASSIGN_OR_RETURN(Authentication a, parse_authentication(msg.body));
    const auto expected = step == 0 ? AuthRequest::kSaslContinue : AuthRequest::kSaslFinal;
    if (a.code != static_cast<int32_t>(expected)) {
      broken_ = true;
      return fail(protocol_error("unexpected authentication step during SCRAM"));
    }
    if (step == 0) {
      Result<std::string> final_message = client.handle_server_first(as_text(a.data));
      if (!final_message) {
        broken_ = true;
        return fail(std::move(final_message).error());
      }
      w.begin('p');
      w.put_bytes(*final_message);
      w.end();
      RB_TRY(send());
    } else {
      Result<void> verified = client.verify_server_final(as_text(a.data));
      if (!verified) {
        broken_ = true;
        return verified;
      }
    }
  }
  return {};
}

Result<BackendMessage> Connection::next() {
  for (;;) {
    Result<BackendMessage> msg = stream_->read_message();
    if (!msg) {
      broken_ = true;
      return msg;
    }
    switch (msg->type) {
      case backend::kNoticeResponse: {
        Result<PgError> notice = parse_error_fields(msg->body);
        if (!notice) {
          broken_ = true;
          return fail(std::move(notice).error());
        }
        if (notice_handler_) notice_handler_(*notice);
        continue;
      }
      case backend::kParameterStatus: {
        Result<ParameterStatus> p = parse_parameter_status(msg->body);
        if (!p) {
          broken_ = true;
          return fail(std::move(p).error());
        }
        auto it = std::find_if(parameters_.begin(), parameters_.end(),
                               [&](const auto& kv) { return kv.first == p->name; });
        if (it != parameters_.end()) {
          it->second = p->value;
        } else {
          parameters_.emplace_back(std::string(p->name), std::string(p->value));
        }
        continue;
      }
      case backend::kNotificationResponse:
        continue;  // LISTEN/NOTIFY is not used by connectors
      default:
        return msg;
    }
  }
}

Result<void> Connection::send() {
  Result<void> r = stream_->flush();
  if (!r) broken_ = true;
  return r;
}

Result<void> Connection::check_usable() const {
  if (broken_ || stream_ == nullptr) return fail(connection_error("connection is not usable"));
  if (in_copy_in_) {
    return fail(client_error(ErrorCategory::kInternal, "a COPY FROM STDIN is in progress"));
  }
  if (in_copy_both_) {
    return fail(client_error(ErrorCategory::kInternal, "a CopyBoth exchange is in progress"));
  }
  return {};
}

Result<void> Connection::read_replies(const char* during, const ReplyHandler& handle,
                                      std::optional<PgError>* deferred) {
  auto take_deferred = [&]() -> std::optional<PgError> {
    if (deferred == nullptr || !*deferred) return std::nullopt;
    return std::exchange(*deferred, std::nullopt);
  };
  for (;;) {
    RB_ASSIGN_OR_RETURN(BackendMessage msg, next());
    RB_ASSIGN_OR_RETURN(Reply reply, handle(msg));
    if (reply == Reply::kConsumed) continue;
    if (reply == Reply::kCycleDone) return {};
    switch (msg.type) {
      case backend::kErrorResponse: {
        RB_ASSIGN_OR_RETURN(PgError server_error, parse_error_fields(msg.body));
        std::optional<PgError> first = take_deferred();
        return fail_cycle(first ? std::move(*first) : std::move(server_error));
      }
      case backend::kReadyForQuery: {
        RB_ASSIGN_OR_RETURN(transaction_status_, parse_ready_for_query(msg.body));
        if (std::optional<PgError> first = take_deferred()) return fail(std::move(*first));
        return {};
      }
      default:
        broken_ = true;
        return fail(unexpected_message(msg.type, during));
    }
  }
}

std::unexpected<PgError> Connection::fail_cycle(PgError error) {
  for (;;) {
    Result<BackendMessage> msg = next();
    if (!msg) return fail(std::move(error));
    if (msg->type != backend::kReadyForQuery) continue;
    Result<TransactionStatus> status = parse_ready_for_query(msg->body);
    if (!status) return fail(std::move(status).error());
    transaction_status_ = *status;
    return fail(std::move(error));
  }
}

Result<std::vector<TextResult>> Connection::simple_query(std::string_view sql) {
  RB_TRY(check_usable());
  FrontendWriter w(stream_->output());
  w.begin('Q');
  w.put_cstring(sql);
  w.end();
  RB_TRY(send());

  std::vector<TextResult> results;
  TextResult current;
  RB_TRY(read_replies("simple query", [&](const BackendMessage& msg) -> Result<Reply> {
    switch (msg.type) {
      case backend::kRowDescription: {
        RB_ASSIGN_OR_RETURN(current.fields, parse_row_description(msg.body));
        return Reply::kConsumed;
      }
      case backend::kDataRow: {
        RB_TRY(parse_data_row(msg.body, row_));
        std::vector<std::optional<std::string>> row;
        row.reserve(row_.size());
        for (const ColumnValue& v : row_) {
          row.push_back(v.is_null ? std::nullopt : std::optional<std::string>(as_text(v.bytes)));
        }
        current.rows.push_back(std::move(row));
        return Reply::kConsumed;
      }
      case backend::kCommandComplete: {
        RB_ASSIGN_OR_RETURN(std::string_view tag, parse_command_complete(msg.body));
        current.command_tag = tag;
        results.push_back(std::exchange(current, TextResult{}));
        return Reply::kConsumed;
      }
      case backend::kEmptyQueryResponse:
        return Reply::kConsumed;
      case backend::kCopyInResponse:
      case backend::kCopyOutResponse:
        broken_ = true;
        return fail(client_error(ErrorCategory::kConfig, "use copy_in/copy_out for COPY"));
      default:
        return Reply::kNotMine;
    }
  }));
  return results;
}

Result<PreparedStatement> Connection::prepare(std::string name, std::string_view sql,
                                              std::span<const uint32_t> param_oids) {
  RB_TRY(check_usable());
  FrontendWriter w(stream_->output());
  w.begin('P');
  w.put_cstring(name);
  w.put_cstring(sql);
  w.put_i16(static_cast<int16_t>(param_oids.size()));
  for (uint32_t oid : param_oids) w.put_u32(oid);
  w.end();
  w.begin('D');
  w.put_u8('S');
  w.put_cstring(name);
  w.end();
  w.begin('S');
  w.end();
  RB_TRY(send());

  PreparedStatement stmt;
  stmt.name = std::move(name);
  RB_TRY(read_replies("prepare", [&](const BackendMessage& msg) -> Result<Reply> {
    switch (msg.type) {
      case backend::kParseComplete:
      case backend::kNoData:
        return Reply::kConsumed;
      case backend::kParameterDescription: {
        RB_ASSIGN_OR_RETURN(stmt.param_oids, parse_parameter_description(msg.body));
        return Reply::kConsumed;
      }
      case backend::kRowDescription: {
        RB_ASSIGN_OR_RETURN(stmt.fields, parse_row_description(msg.body));
        return Reply::kConsumed;
      }
      default:
        return Reply::kNotMine;
    }
  }));
  return stmt;
}

void Connection::write_bind(std::string_view statement, std::span<const Param> params,
                            ResultFormat format) {
  FrontendWriter w(stream_->output());
  w.begin('B');
  w.put_cstring("");  // unnamed portal
  w.put_cstring(statement);
  w.put_i16(static_cast<int16_t>(params.size()));
  for (const Param& p : params) w.put_i16(p.format);
  w.put_i16(static_cast<int16_t>(params.size()));
  for (const Param& p : params) {
    if (!p.value) {
      w.put_i32(-1);
    } else {
      w.put_i32(static_cast<int32_t>(p.value->size()));
      w.put_bytes(*p.value);
    }
  }
  w.put_i16(1);  // one result format for all columns
  w.put_i16(static_cast<int16_t>(format));
  w.end();
}

Result<CommandResult> Connection::execute(const PreparedStatement& statement,
                                          std::span<const Param> params, const RowSink& sink,
                                          ResultFormat format) {
  RB_TRY(check_usable());
  write_bind(statement.name, params, format);
  FrontendWriter w(stream_->output());
  w.begin('E');
  w.put_cstring("");
  w.put_i32(0);  // no row limit
  w.end();
  w.begin('S');
  w.end();
  RB_TRY(send());
  std::vector<FieldDescription> fields = statement.fields;
  for (FieldDescription& f : fields) f.format = static_cast<int16_t>(format);
  return read_execution(sink, &fields);
}

Result<CommandResult> Connection::query(std::string_view sql, std::span<const Param> params,
                                        const RowSink& sink, ResultFormat format) {
  RB_TRY(check_usable());
  FrontendWriter w(stream_->output());
  w.begin('P');
  w.put_cstring("");
  w.put_cstring(sql);
  w.put_i16(static_cast<int16_t>(params.size()));
  for (const Param& p : params) w.put_u32(p.type_oid);
  w.end();
  write_bind("", params, format);
  w.begin('D');
  w.put_u8('P');
  w.put_cstring("");
  w.end();
  w.begin('E');
  w.put_cstring("");
  w.put_i32(0);
  w.end();
  w.begin('S');
  w.end();
  RB_TRY(send());
  return read_execution(sink, nullptr);
}

Result<CommandResult> Connection::read_execution(
    const RowSink& sink, const std::vector<FieldDescription>* known_fields) {
  CommandResult result;
  std::optional<PgError> deferred;  // a callback's error, reported after draining
  if (known_fields != nullptr && !known_fields->empty() && sink.on_description) {
    Result<void> r = sink.on_description(*known_fields);
    if (!r) deferred = std::move(r).error();
  }
  auto handle = [&](const BackendMessage& msg) -> Result<Reply> {
    switch (msg.type) {
      case backend::kParseComplete:
      case backend::kBindComplete:
      case backend::kNoData:
      case backend::kPortalSuspended:
      case backend::kEmptyQueryResponse:
        return Reply::kConsumed;
      case backend::kRowDescription: {
        RB_ASSIGN_OR_RETURN(std::vector<FieldDescription> fields, parse_row_description(msg.body));
        if (!deferred && sink.on_description) {
          Result<void> r = sink.on_description(fields);
          if (!r) deferred = std::move(r).error();
        }
        return Reply::kConsumed;
      }
      case backend::kDataRow: {
        if (deferred) return Reply::kConsumed;
        RB_TRY(parse_data_row(msg.body, row_));
        if (sink.on_row) {
          Result<void> r = sink.on_row(row_);
          if (!r) deferred = std::move(r).error();
        }
        return Reply::kConsumed;
      }
      case backend::kCommandComplete: {
        RB_ASSIGN_OR_RETURN(std::string_view tag, parse_command_complete(msg.body));
        result.command_tag = tag;
        result.rows = rows_in_command_tag(tag);
        return Reply::kConsumed;
      }
      default:
        return Reply::kNotMine;
    }
  };
  RB_TRY(read_replies("extended query", handle, &deferred));
  return result;
}

Result<void> Connection::close_statement(std::string_view name) {
  RB_TRY(check_usable());
  FrontendWriter w(stream_->output());
  w.begin('C');
  w.put_u8('S');
  w.put_cstring(name);
  w.end();
  w.begin('S');
  w.end();
  RB_TRY(send());
  return read_replies("close statement", [](const BackendMessage& msg) -> Result<Reply> {
    return msg.type == backend::kCloseComplete ? Reply::kConsumed : Reply::kNotMine;
  });
}

Result<uint64_t> Connection::copy_out(
    std::string_view sql, const std::function<Result<void>(std::span<const uint8_t>)>& on_data) {
  return copy_out_chunks(sql,
                         [&](std::span<const std::span<const uint8_t>> chunks) -> Result<void> {
                           for (std::span<const uint8_t> chunk : chunks) RB_TRY(on_data(chunk));
                           return {};
                         });
}

Result<uint64_t> Connection::copy_out_chunks(std::string_view sql,
                                             const CopyChunksHandler& on_chunks) {
  RB_TRY(check_usable());
  FrontendWriter w(stream_->output());
  w.begin('Q');
  w.put_cstring(sql);
  w.end();
  RB_TRY(send());

  std::optional<PgError> deferred;  // the handler's error, reported after draining
  uint64_t rows = 0;
  bool started = false;
  auto handle = [&](const BackendMessage& msg) -> Result<Reply> {
    switch (msg.type) {
      case backend::kCopyOutResponse: {
        RB_ASSIGN_OR_RETURN([[maybe_unused]] CopyResponse response, parse_copy_response(msg.body));
        started = true;
        return Reply::kConsumed;
      }
      case backend::kCopyData:
        if (deferred) return Reply::kConsumed;
        // The CopyData messages already received go out together: their
        // views into the read buffer stay valid while nothing is read.
        copy_chunks_.assign(1, msg.body);
        while (std::optional<BackendMessage> more = stream_->buffered_message(backend::kCopyData)) {
          copy_chunks_.push_back(more->body);
        }
        if (Result<void> r = on_chunks(copy_chunks_); !r) {
          deferred = std::move(r).error();
          cancel_running_statement();
        }
        return Reply::kConsumed;
      case backend::kCommandComplete: {
        RB_ASSIGN_OR_RETURN(std::string_view tag, parse_command_complete(msg.body));
        rows = rows_in_command_tag(tag);
        return Reply::kConsumed;
      }
      case backend::kCopyDone:
      case backend::kRowDescription:
      case backend::kDataRow:  // not a COPY statement: ignored, reported below
        return Reply::kConsumed;
      default:
        return Reply::kNotMine;
    }
  };
  RB_TRY(read_replies("COPY OUT", handle, &deferred));
  if (!started) {
    return fail(client_error(ErrorCategory::kConfig, "statement is not COPY ... TO STDOUT"));
  }
  return rows;
}

Result<void> Connection::start_copy(std::string_view sql, char expected_response,
                                    std::string_view not_copy_message, const char* phase) {
  RB_TRY(check_usable());
  FrontendWriter w(stream_->output());
  w.begin('Q');
  w.put_cstring(sql);
  w.end();
  RB_TRY(send());
  return read_replies(phase, [&](const BackendMessage& msg) -> Result<Reply> {
    if (msg.type == expected_response) {
      RB_ASSIGN_OR_RETURN([[maybe_unused]] CopyResponse response, parse_copy_response(msg.body));
      return Reply::kCycleDone;
    }
    switch (msg.type) {
      case backend::kRowDescription:
      case backend::kDataRow:
      case backend::kCommandComplete:
      case backend::kEmptyQueryResponse:
        return Reply::kConsumed;
      case backend::kReadyForQuery: {
        RB_ASSIGN_OR_RETURN(transaction_status_, parse_ready_for_query(msg.body));
        return fail(client_error(ErrorCategory::kConfig, std::string(not_copy_message)));
      }
      default:
        return Reply::kNotMine;
    }
  });
}

Result<void> Connection::copy_in_begin(std::string_view sql) {
  RB_TRY(start_copy(sql, backend::kCopyInResponse, "statement is not COPY ... FROM STDIN",
                    "COPY IN start"));
  in_copy_in_ = true;
  return {};
}

Result<void> Connection::copy_in_write(std::span<const uint8_t> data) {
  if (!in_copy_in_ || broken_) {
    return fail(client_error(ErrorCategory::kInternal, "no COPY FROM STDIN in progress"));
  }
  std::vector<uint8_t>& output = stream_->output();
  while (!data.empty()) {
    const size_t take = std::min(data.size(), kCopyChunkBytes);
    // CopyData header: type and length word (which counts itself).
    output.push_back('d');
    FrontendWriter(output).put_u32(static_cast<uint32_t>(4 + take));
    if (take < kCopyChunkBytes) {
      output.insert(output.end(), data.begin(), data.begin() + static_cast<ptrdiff_t>(take));
    } else {
      // A whole chunk goes from the caller's memory to the transport, not
      // through the output buffer: one copy fewer of every byte loaded.
      RB_TRY(send());
      if (Result<void> r = stream_->transport()->write(data.first(take)); !r) {
        broken_ = true;
        return r;
      }
    }
    data = data.subspan(take);
    if (output.size() >= kCopyChunkBytes) RB_TRY(send());
  }
  return {};
}

Result<uint64_t> Connection::copy_in_end() {
  if (!in_copy_in_ || broken_) {
    return fail(client_error(ErrorCategory::kInternal, "no COPY FROM STDIN in progress"));
  }
  in_copy_in_ = false;
  FrontendWriter w(stream_->output());
  w.begin('c');
  w.end();
  RB_TRY(send());
  uint64_t rows = 0;
  RB_TRY(read_replies("COPY IN end", [&](const BackendMessage& msg) -> Result<Reply> {
    if (msg.type != backend::kCommandComplete) return Reply::kNotMine;
    RB_ASSIGN_OR_RETURN(std::string_view tag, parse_command_complete(msg.body));
    rows = rows_in_command_tag(tag);
    return Reply::kConsumed;
  }));
  return rows;
}

Result<void> Connection::copy_in_abort(std::string_view reason) {
  if (!in_copy_in_ || broken_) {
    return fail(client_error(ErrorCategory::kInternal, "no COPY FROM STDIN in progress"));
  }
  in_copy_in_ = false;
  FrontendWriter w(stream_->output());
  w.begin('f');
  w.put_cstring(reason);
  w.end();
  RB_TRY(send());
  // The server answers with an ErrorResponse (57014) then ReadyForQuery:
  // that error is the expected outcome, not a failure.
  Result<void> r = read_replies(
      "COPY IN abort", [](const BackendMessage&) -> Result<Reply> { return Reply::kNotMine; });
  if (!r && r.error().source == PgErrorSource::kServer) return {};
  return r;
}

Result<void> Connection::copy_both_begin(std::string_view sql) {
  RB_TRY(start_copy(sql, backend::kCopyBothResponse, "statement does not start CopyBoth",
                    "CopyBoth start"));
  in_copy_both_ = true;
  server_copy_done_ = false;
  return {};
}

Result<std::optional<std::span<const uint8_t>>> Connection::copy_both_read() {
  if (!in_copy_both_ || broken_) {
    return fail(client_error(ErrorCategory::kInternal, "no CopyBoth exchange in progress"));
  }
  if (server_copy_done_) return std::optional<std::span<const uint8_t>>();
  RB_ASSIGN_OR_RETURN(BackendMessage msg, next());
  switch (msg.type) {
    case backend::kCopyData:
      return std::optional<std::span<const uint8_t>>(msg.body);
    case backend::kCopyDone:
      server_copy_done_ = true;
      return std::optional<std::span<const uint8_t>>();
    case backend::kErrorResponse: {
      RB_ASSIGN_OR_RETURN(PgError e, parse_error_fields(msg.body));
      in_copy_both_ = false;
      return fail_cycle(std::move(e));
    }
    default:
      broken_ = true;
      return fail(unexpected_message(msg.type, "CopyBoth"));
  }
}

Result<void> Connection::copy_both_write(std::span<const uint8_t> data) {
  if (!in_copy_both_ || broken_) {
    return fail(client_error(ErrorCategory::kInternal, "no CopyBoth exchange in progress"));
  }
  FrontendWriter w(stream_->output());
  w.begin('d');
  w.put_bytes(data);
  w.end();
  return send();
}

Result<void> Connection::copy_both_end() {
  if (!in_copy_both_ || broken_) {
    return fail(client_error(ErrorCategory::kInternal, "no CopyBoth exchange in progress"));
  }
  in_copy_both_ = false;
  FrontendWriter w(stream_->output());
  w.begin('c');
  w.end();
  RB_TRY(send());
  // The server may still send data it had queued, then CopyDone, the
  // command's results and ReadyForQuery.
  return read_replies("CopyBoth end", [](const BackendMessage& msg) -> Result<Reply> {
    switch (msg.type) {
      case backend::kCopyData:
      case backend::kCopyDone:
      case backend::kRowDescription:
      case backend::kDataRow:
      case backend::kCommandComplete:
        return Reply::kConsumed;
      default:
        return Reply::kNotMine;
    }
  });
}

std::optional<std::string_view> Connection::parameter(std::string_view name) const {
  for (const auto& [k, v] : parameters_) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

void Connection::cancel_running_statement() {
  if (!cancel_transport_) return;
  // Best effort: if the request fails, the rest is read and dropped.
  Result<std::unique_ptr<Transport>> fresh = cancel_transport_();
  if (fresh && *fresh) (void)send_cancel_request(**fresh, backend_key_);
}

Result<void> send_cancel_request(Transport& fresh, const BackendKey& key) {
  std::vector<uint8_t> packet;
  FrontendWriter w(packet);
  w.begin_untyped();
  w.put_i32(kCancelRequestCode);
  w.put_i32(key.process_id);
  w.put_i32(key.secret_key);
  w.end();
  Result<void> r = fresh.write(packet);
  if (r) {
    // The server closes the connection after signalling the session; any
    // bytes before that would be a protocol error and are ignored.
    std::array<uint8_t, 64> ignored;
    for (;;) {
      Result<size_t> got = fresh.read(ignored);
      if (!got || *got == 0) break;
    }
  }
  fresh.close();
  return r;
}

}  // namespace rapidbyte::postgres
