// Parsers for the PostgreSQL v3 backend messages the client understands.
//
// Each parser takes a message body (see MessageStream) and either returns
// the decoded message or a protocol error; none reads past the body, and
// trailing garbage is an error too. String views and spans in the results
// point into the body, so they live only as long as the message does.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "portable/postgres/pg_error.hpp"
#include "portable/postgres/result.hpp"

namespace rapidbyte::postgres {

// Backend message type bytes.
namespace backend {
inline constexpr char kAuthentication = 'R';
inline constexpr char kBackendKeyData = 'K';
inline constexpr char kBindComplete = '2';
inline constexpr char kCloseComplete = '3';
inline constexpr char kCommandComplete = 'C';
inline constexpr char kCopyData = 'd';
inline constexpr char kCopyDone = 'c';
inline constexpr char kCopyInResponse = 'G';
inline constexpr char kCopyOutResponse = 'H';
inline constexpr char kCopyBothResponse = 'W';
inline constexpr char kDataRow = 'D';
inline constexpr char kEmptyQueryResponse = 'I';
inline constexpr char kErrorResponse = 'E';
inline constexpr char kNoData = 'n';
inline constexpr char kNoticeResponse = 'N';
inline constexpr char kNotificationResponse = 'A';
inline constexpr char kParameterDescription = 't';
inline constexpr char kParameterStatus = 'S';
inline constexpr char kParseComplete = '1';
inline constexpr char kPortalSuspended = 's';
inline constexpr char kReadyForQuery = 'Z';
inline constexpr char kRowDescription = 'T';
}  // namespace backend

// ErrorResponse and NoticeResponse: the fields as a PgError (source
// kServer, category from the SQLSTATE).
Result<PgError> parse_error_fields(std::span<const uint8_t> body);

enum class AuthRequest : int32_t {
  kOk = 0,
  kCleartextPassword = 3,
  kMd5Password = 5,
  kSasl = 10,
  kSaslContinue = 11,
  kSaslFinal = 12,
};

struct Authentication {
  int32_t code = 0;                          // an AuthRequest, or an unsupported one
  std::span<const uint8_t> data;             // md5 salt (4 bytes) or SASL data
  std::vector<std::string_view> mechanisms;  // for kSasl
};
Result<Authentication> parse_authentication(std::span<const uint8_t> body);

struct ParameterStatus {
  std::string_view name;
  std::string_view value;
};
Result<ParameterStatus> parse_parameter_status(std::span<const uint8_t> body);

// The key a CancelRequest needs.
struct BackendKey {
  int32_t process_id = 0;
  int32_t secret_key = 0;
};
Result<BackendKey> parse_backend_key_data(std::span<const uint8_t> body);

enum class TransactionStatus : char {
  kIdle = 'I',
  kInTransaction = 'T',
  kFailed = 'E',
};
Result<TransactionStatus> parse_ready_for_query(std::span<const uint8_t> body);

// One column of a RowDescription.
struct FieldDescription {
  std::string name;
  uint32_t table_oid = 0;
  int16_t column_number = 0;
  uint32_t type_oid = 0;
  int16_t type_size = 0;
  int32_t type_modifier = -1;
  int16_t format = 0;  // 0 text, 1 binary
};
Result<std::vector<FieldDescription>> parse_row_description(std::span<const uint8_t> body);

Result<std::vector<uint32_t>> parse_parameter_description(std::span<const uint8_t> body);

// DataRow: the column values; nullopt-like null is an empty optional span.
// Appends into `out` (cleared first) so the caller can reuse its storage.
struct ColumnValue {
  bool is_null = true;
  std::span<const uint8_t> bytes;
};
Result<void> parse_data_row(std::span<const uint8_t> body, std::vector<ColumnValue>& out);

Result<std::string_view> parse_command_complete(std::span<const uint8_t> body);

// CopyInResponse / CopyOutResponse / CopyBothResponse.
struct CopyResponse {
  int8_t overall_format = 0;  // 0 text, 1 binary
  std::vector<int16_t> column_formats;
};
Result<CopyResponse> parse_copy_response(std::span<const uint8_t> body);

// The number of rows a CommandComplete tag reports ("INSERT 0 5" -> 5,
// "COPY 3" -> 3, "SELECT 2" -> 2); 0 for tags without a count.
uint64_t rows_in_command_tag(std::string_view tag);

}  // namespace rapidbyte::postgres
