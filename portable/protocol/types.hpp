// C++ mirror of the types of the v4 connector contract
// (wit/rapidbyte-connector.wit, package rapidbyte:connector@4.0.0).
//
// Both sides use these: the host lifts and lowers them through the canonical
// ABI, and the guest SDK converts the generated C bindings to and from them, so
// connector code and engine code speak the same vocabulary. Enumerator order
// and field order match the WIT exactly: the canonical ABI encodes enums by
// index and records field by field. The build checks this file against the
// WIT (wit/codegen/generate_mirrors.py): a WIT change not made here too fails
// the build, naming the WIT line. Default values are this file's own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace rapidbyte::protocol {

// The package every v4 module must target, as named in its component-type
// section and in its import and export names.
inline constexpr std::string_view kPackage = "rapidbyte:connector@4.0.0";

// ---- core-types -------------------------------------------------------------

using Session = uint64_t;

enum class ConnectorRole : uint8_t { kSource, kDestination, kTransform };

enum class ErrorCategory : uint8_t {
  kConfig,
  kAuth,
  kPermission,
  kRateLimit,
  kTransientNetwork,
  kTransientDb,
  kData,
  kSchema,
  kInternal,
};

enum class ErrorScope : uint8_t { kPerStream, kPerBatch, kPerRecord };
enum class BackoffClass : uint8_t { kFast, kNormal, kSlow };
enum class CommitState : uint8_t { kBeforeCommit, kAfterCommitUnknown, kAfterCommitConfirmed };

struct Detail {
  std::string key;
  std::string value;
  bool operator==(const Detail&) const = default;
};

struct ConnectorError {
  ErrorCategory category = ErrorCategory::kInternal;
  ErrorScope scope = ErrorScope::kPerStream;
  std::string code;
  std::string message;
  bool retryable = false;
  std::optional<uint64_t> retry_after_ms;
  BackoffClass backoff_class = BackoffClass::kNormal;
  bool safe_to_retry = false;
  CommitState commit_state = CommitState::kBeforeCommit;
  std::vector<Detail> details;
  bool operator==(const ConnectorError&) const = default;
};

enum class CheckStatus : uint8_t { kPassed, kWarning, kFailed };

struct ValidationCheck {
  std::string name;
  CheckStatus status = CheckStatus::kPassed;
  std::string message;
  bool operator==(const ValidationCheck&) const = default;
};

struct ValidationReport {
  CheckStatus status = CheckStatus::kPassed;
  std::vector<ValidationCheck> checks;
  bool operator==(const ValidationReport&) const = default;
};

// ---- stream-types -----------------------------------------------------------

enum class RunPhase : uint8_t { kDiscover, kRead, kWrite, kTransform, kTeardown, kPlan, kFinalize };
enum class SyncMode : uint8_t { kFullRefresh, kIncremental, kCdc };
enum class WriteMode : uint8_t { kAppend, kReplace, kUpsert };

struct StreamLimits {
  uint64_t max_batch_bytes = 4u << 20;
  uint64_t max_record_bytes = 16u << 20;
  uint32_t max_inflight_batches = 8;
  uint64_t checkpoint_interval_bytes = 64u << 20;
  uint64_t checkpoint_interval_rows = 0;
  uint32_t checkpoint_interval_seconds = 0;
  bool operator==(const StreamLimits&) const = default;
};

enum class DataErrorPolicy : uint8_t { kFail, kSkip, kDlq };
enum class NewColumnPolicy : uint8_t { kAdd, kIgnore, kFail };
enum class RemovedColumnPolicy : uint8_t { kIgnore, kFail };
enum class TypeChangePolicy : uint8_t { kCoerce, kFail, kSetNull };
enum class NullabilityChangePolicy : uint8_t { kAllow, kFail };

struct SchemaEvolutionPolicy {
  NewColumnPolicy new_column = NewColumnPolicy::kAdd;
  RemovedColumnPolicy removed_column = RemovedColumnPolicy::kIgnore;
  TypeChangePolicy type_change = TypeChangePolicy::kFail;
  NullabilityChangePolicy nullability_change = NullabilityChangePolicy::kAllow;
  bool operator==(const SchemaEvolutionPolicy&) const = default;
};

struct StreamPolicies {
  DataErrorPolicy on_data_error = DataErrorPolicy::kFail;
  SchemaEvolutionPolicy schema_evolution;
  bool operator==(const StreamPolicies&) const = default;
};

// variant cursor-value. Alternatives are in WIT case order; several share a
// C++ type, so construct with std::in_place_index<CursorValueKind::...>.
namespace cursor_kind {
inline constexpr size_t kInt64 = 0;
inline constexpr size_t kFloat64 = 1;
inline constexpr size_t kText = 2;
inline constexpr size_t kTimestampMicros = 3;
inline constexpr size_t kDateDays = 4;
inline constexpr size_t kLsn = 5;
inline constexpr size_t kBytes = 6;
}  // namespace cursor_kind

using CursorValue = std::variant<int64_t,                // int64
                                 double,                 // float64
                                 std::string,            // text
                                 int64_t,                // timestamp-micros
                                 int32_t,                // date-days
                                 uint64_t,               // lsn
                                 std::vector<uint8_t>>;  // bytes

struct Partition {
  uint32_t index = 0;
  uint32_t count = 1;
  bool at_most = false;  // plan: count is the most slices (partitions: auto)
  uint64_t generation = 0;
  std::optional<std::string> key;
  std::optional<std::string> mode;
  std::optional<std::string> snapshot;
  std::optional<std::string> slice;
  bool operator==(const Partition&) const = default;
};

struct StreamContext {
  std::string stream_name;
  SyncMode sync_mode = SyncMode::kFullRefresh;
  std::vector<std::string> selected_columns;
  std::optional<std::string> cursor_field;
  std::optional<CursorValue> last_cursor_value;
  std::vector<std::string> primary_key;
  WriteMode write_mode = WriteMode::kAppend;
  StreamLimits limits;
  StreamPolicies policies;
  std::optional<Partition> partition;
  bool operator==(const StreamContext&) const = default;
};

struct RunRequest {
  RunPhase phase = RunPhase::kRead;
  std::vector<StreamContext> streams;
  bool dry_run = false;
  std::optional<uint64_t> max_records;
  bool operator==(const RunRequest&) const = default;
};

struct ReadSummary {
  uint64_t records = 0;
  uint64_t bytes = 0;
  uint64_t batches = 0;
  uint64_t checkpoints = 0;
  bool operator==(const ReadSummary&) const = default;
};

struct WriteSummary {
  uint64_t records_written = 0;
  uint64_t bytes_written = 0;
  uint64_t batches = 0;
  uint64_t records_failed = 0;
  uint64_t checkpoints = 0;
  bool operator==(const WriteSummary&) const = default;
};

struct TransformSummary {
  uint64_t records_in = 0;
  uint64_t records_out = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t batches_in = 0;
  uint64_t batches_out = 0;
  bool operator==(const TransformSummary&) const = default;
};

struct CatalogColumn {
  std::string name;
  std::string source_type;
  std::string arrow_type;
  bool nullable = true;
  bool operator==(const CatalogColumn&) const = default;
};

struct CatalogStream {
  std::string name;
  std::optional<std::string> namespace_;
  std::vector<CatalogColumn> columns;
  std::vector<std::string> primary_key;
  std::vector<std::string> cursor_candidates;
  std::vector<SyncMode> sync_modes;
  bool operator==(const CatalogStream&) const = default;
};

struct Catalog {
  std::vector<CatalogStream> streams;
  bool operator==(const Catalog&) const = default;
};

struct RunSummary {
  ConnectorRole role = ConnectorRole::kSource;
  std::optional<ReadSummary> read;
  std::optional<WriteSummary> write;
  std::optional<TransformSummary> transform;
  std::optional<Catalog> catalog;
  std::vector<Partition> partitions;
  bool operator==(const RunSummary&) const = default;
};

// ---- telemetry --------------------------------------------------------------

enum class LogLevel : uint8_t { kTrace, kDebug, kInfo, kWarn, kError };
enum class CheckpointKind : uint8_t { kSource, kDestination, kTransform };

struct CheckpointInfo {
  CheckpointKind kind = CheckpointKind::kSource;
  std::string stream_name;
  std::optional<std::string> cursor_field;
  std::optional<CursorValue> cursor_value;
  uint64_t records = 0;
  uint64_t bytes = 0;
  bool operator==(const CheckpointInfo&) const = default;
};

namespace metric_kind {
inline constexpr size_t kCounter = 0;
inline constexpr size_t kGauge = 1;
inline constexpr size_t kHistogram = 2;
}  // namespace metric_kind

using MetricValue = std::variant<uint64_t,  // counter
                                 double,    // gauge
                                 double>;   // histogram

struct MetricLabel {
  std::string key;
  std::string value;
  bool operator==(const MetricLabel&) const = default;
};

struct MetricSample {
  std::string name;
  MetricValue value;
  std::vector<MetricLabel> labels;
  bool operator==(const MetricSample&) const = default;
};

struct DlqRecord {
  std::string stream_name;
  std::string record_json;
  ConnectorError error;
  bool operator==(const DlqRecord&) const = default;
};

// ---- host-io ----------------------------------------------------------------

enum class StateScope : uint8_t { kPipeline, kPerStream, kConnectorInstance };

using TcpHandle = uint64_t;

enum class TlsVerify : uint8_t { kNone, kVerifyCa, kVerifyFull };

struct TlsOptions {
  std::string server_name;
  TlsVerify verify = TlsVerify::kVerifyFull;
  std::optional<std::string> ca_file;
  bool operator==(const TlsOptions&) const = default;
};

}  // namespace rapidbyte::protocol
