// Binds the C++ mirror of the v4 contract (portable/protocol/types.hpp) to the
// canonical ABI: the case count of every enum and the fields of every record,
// in WIT order. A field added to the WIT must be added here too; the ABI
// round-trip test against a real guest fails otherwise.
#pragma once

#include <tuple>

#include "host/runtime/canonical_abi/abi_traits.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::runtime::abi {

namespace p = rapidbyte::protocol;

#define RAPIDBYTE_ABI_ENUM(Type, count) \
  template <>                           \
  struct EnumCases<Type> : std::integral_constant<size_t, count> {}

RAPIDBYTE_ABI_ENUM(p::ConnectorRole, 3);
RAPIDBYTE_ABI_ENUM(p::ErrorCategory, 9);
RAPIDBYTE_ABI_ENUM(p::ErrorScope, 3);
RAPIDBYTE_ABI_ENUM(p::BackoffClass, 3);
RAPIDBYTE_ABI_ENUM(p::CommitState, 3);
RAPIDBYTE_ABI_ENUM(p::CheckStatus, 3);
RAPIDBYTE_ABI_ENUM(p::RunPhase, 5);
RAPIDBYTE_ABI_ENUM(p::SyncMode, 3);
RAPIDBYTE_ABI_ENUM(p::WriteMode, 3);
RAPIDBYTE_ABI_ENUM(p::DataErrorPolicy, 3);
RAPIDBYTE_ABI_ENUM(p::NewColumnPolicy, 3);
RAPIDBYTE_ABI_ENUM(p::RemovedColumnPolicy, 2);
RAPIDBYTE_ABI_ENUM(p::TypeChangePolicy, 3);
RAPIDBYTE_ABI_ENUM(p::NullabilityChangePolicy, 2);
RAPIDBYTE_ABI_ENUM(p::LogLevel, 5);
RAPIDBYTE_ABI_ENUM(p::CheckpointKind, 3);
RAPIDBYTE_ABI_ENUM(p::StateScope, 3);
RAPIDBYTE_ABI_ENUM(p::TlsVerify, 3);

#undef RAPIDBYTE_ABI_ENUM

#define RAPIDBYTE_ABI_RECORD(Type, ...)                           \
  template <>                                                     \
  struct RecordFields<Type> {                                     \
    using R = Type;                                               \
    static constexpr auto kFields = std::make_tuple(__VA_ARGS__); \
  }

RAPIDBYTE_ABI_RECORD(p::Detail, &R::key, &R::value);
RAPIDBYTE_ABI_RECORD(p::ConnectorError, &R::category, &R::scope, &R::code, &R::message,
                     &R::retryable, &R::retry_after_ms, &R::backoff_class, &R::safe_to_retry,
                     &R::commit_state, &R::details);
RAPIDBYTE_ABI_RECORD(p::ValidationCheck, &R::name, &R::status, &R::message);
RAPIDBYTE_ABI_RECORD(p::ValidationReport, &R::status, &R::checks);
RAPIDBYTE_ABI_RECORD(p::StreamLimits, &R::max_batch_bytes, &R::max_record_bytes,
                     &R::max_inflight_batches, &R::checkpoint_interval_bytes,
                     &R::checkpoint_interval_rows, &R::checkpoint_interval_seconds);
RAPIDBYTE_ABI_RECORD(p::SchemaEvolutionPolicy, &R::new_column, &R::removed_column, &R::type_change,
                     &R::nullability_change);
RAPIDBYTE_ABI_RECORD(p::StreamPolicies, &R::on_data_error, &R::schema_evolution);
RAPIDBYTE_ABI_RECORD(p::Partition, &R::index, &R::count);
RAPIDBYTE_ABI_RECORD(p::StreamContext, &R::stream_name, &R::sync_mode, &R::selected_columns,
                     &R::cursor_field, &R::last_cursor_value, &R::primary_key, &R::write_mode,
                     &R::limits, &R::policies, &R::partition);
RAPIDBYTE_ABI_RECORD(p::RunRequest, &R::phase, &R::streams, &R::dry_run, &R::max_records);
RAPIDBYTE_ABI_RECORD(p::ReadSummary, &R::records, &R::bytes, &R::batches, &R::checkpoints);
RAPIDBYTE_ABI_RECORD(p::WriteSummary, &R::records_written, &R::bytes_written, &R::batches,
                     &R::records_failed, &R::checkpoints);
RAPIDBYTE_ABI_RECORD(p::TransformSummary, &R::records_in, &R::records_out, &R::bytes_in,
                     &R::bytes_out, &R::batches_in, &R::batches_out);
RAPIDBYTE_ABI_RECORD(p::CatalogColumn, &R::name, &R::source_type, &R::arrow_type, &R::nullable);
RAPIDBYTE_ABI_RECORD(p::CatalogStream, &R::name, &R::namespace_, &R::columns, &R::primary_key,
                     &R::cursor_candidates, &R::sync_modes);
RAPIDBYTE_ABI_RECORD(p::Catalog, &R::streams);
RAPIDBYTE_ABI_RECORD(p::RunSummary, &R::role, &R::read, &R::write, &R::transform, &R::catalog);
RAPIDBYTE_ABI_RECORD(p::CheckpointInfo, &R::kind, &R::stream_name, &R::cursor_field,
                     &R::cursor_value, &R::records, &R::bytes);
RAPIDBYTE_ABI_RECORD(p::MetricLabel, &R::key, &R::value);
RAPIDBYTE_ABI_RECORD(p::MetricSample, &R::name, &R::value, &R::labels);
RAPIDBYTE_ABI_RECORD(p::DlqRecord, &R::stream_name, &R::record_json, &R::error);
RAPIDBYTE_ABI_RECORD(p::TlsOptions, &R::server_name, &R::verify, &R::ca_file);

#undef RAPIDBYTE_ABI_RECORD

}  // namespace rapidbyte::runtime::abi
