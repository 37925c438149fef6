#include "tests/support/libpq_session.hpp"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>

namespace rapidbyte::test {
namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

ResultPtr run(PGconn* conn, const std::string& sql) {
  ResultPtr r(PQexec(conn, sql.c_str()));
  const ExecStatusType status = PQresultStatus(r.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("libpq: " + sql + ": " + PQerrorMessage(conn));
  }
  return r;
}

}  // namespace

LibpqSession::LibpqSession(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw std::runtime_error("libpq cannot connect (" + conninfo + "): " + message);
  }
}

LibpqSession::~LibpqSession() {
  if (conn_ != nullptr) PQfinish(conn_);
}

LibpqSession::LibpqSession(LibpqSession&& other) noexcept : conn_(other.conn_) {
  other.conn_ = nullptr;
}

void LibpqSession::exec(const std::string& sql) {
  run(conn_, sql);
}

std::vector<TextRow> LibpqSession::query(const std::string& sql) {
  ResultPtr r = run(conn_, sql);
  std::vector<TextRow> rows;
  const int n_rows = PQntuples(r.get());
  const int n_cols = PQnfields(r.get());
  for (int i = 0; i < n_rows; ++i) {
    TextRow row;
    for (int j = 0; j < n_cols; ++j) {
      if (PQgetisnull(r.get(), i, j)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(r.get(), i, j),
                                     static_cast<size_t>(PQgetlength(r.get(), i, j))));
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::optional<std::string> LibpqSession::value(const std::string& sql) {
  std::vector<TextRow> rows = query(sql);
  if (rows.size() != 1 || rows[0].size() != 1) {
    throw std::runtime_error("expected one value from: " + sql);
  }
  return rows[0][0];
}

std::string LibpqSession::literal(const std::string& text) {
  char* quoted = PQescapeLiteral(conn_, text.data(), text.size());
  if (quoted == nullptr) throw std::runtime_error(std::string("libpq: ") + PQerrorMessage(conn_));
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

}  // namespace rapidbyte::test
