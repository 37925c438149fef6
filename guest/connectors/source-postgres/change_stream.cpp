#include "guest/connectors/source-postgres/change_stream.hpp"

#include <algorithm>
#include <variant>

#include "guest/connectors/postgres-common/pg_error_mapping.hpp"
#include "guest/connectors/source-postgres/refused_row.hpp"
#include "portable/base/try.hpp"
#include "portable/protocol/change_columns.hpp"

namespace rapidbyte::connectors::source_postgres {
namespace {

namespace pgo = postgres::pgoutput;
using postgres::Lsn;

// Rows of small transactions wait at most this long for company in a batch.
constexpr auto kFlushInterval = std::chrono::milliseconds(500);
// How often the committed cursors are looked up and confirmed to the server.
constexpr auto kConfirmInterval = std::chrono::seconds(1);

}  // namespace

std::optional<Lsn> lsn_of(const std::optional<protocol::CursorValue>& value) {
  if (!value || value->index() != protocol::cursor_kind::kLsn) return std::nullopt;
  return std::get<protocol::cursor_kind::kLsn>(*value);
}

// ---- ChangeTarget ---------------------------------------------------------------

ChangeTarget::ChangeTarget(sdk::Context& ctx, const protocol::StreamContext& stream,
                           TableCatalog catalog, bool continuous)
    : stream_(stream),
      catalog_(std::move(catalog)),
      table_(catalog_.find(postgres_common::parse_table_name(stream.stream_name))),
      emitter_(ctx, stream),
      continuous_(continuous),
      // The table's columns and the change columns.
      target_bytes_(sdk::batch_target_bytes(stream.limits, table_->columns.size() + 4)) {}

void ChangeTarget::start_at(Lsn lsn) {
  start_ = lsn;
  checkpointed_ = lsn;
}

void ChangeTarget::checkpoint(Lsn lsn, bool force) {
  if (checkpointed_ && lsn <= *checkpointed_) return;
  // A continuous stream must move its cursor even when changes trickle in,
  // or the slot keeps every byte of WAL.
  std::optional<sdk::BatchEmitter::Clock::duration> also_after;
  if (continuous_) also_after = kConfirmInterval;
  if (!force && !emitter_.checkpoint_due(also_after)) return;
  emitter_.checkpoint(std::nullopt,
                      protocol::CursorValue(std::in_place_index<protocol::cursor_kind::kLsn>, lsn));
  checkpointed_ = lsn;
}

void ChangeTarget::set_relation(ChangeBatchBuilder builder, uint32_t oid) {
  builder_ = std::move(builder);
  relation_oid_ = oid;
}

sdk::Result<void> ChangeTarget::emit_pending() {
  if (!builder_ || builder_->rows() == 0) return {};
  RB_ASSIGN_OR_RETURN(auto batch, builder_->finish());
  return emitter_.emit(batch);
}

// ---- ChangeStream ---------------------------------------------------------------

ChangeStream::ChangeStream(sdk::Context& ctx, const CdcOptions& options,
                           const std::vector<std::unique_ptr<ChangeTarget>>& targets,
                           std::optional<uint64_t> max_records)
    : ctx_(ctx),
      options_(options),
      targets_(targets),
      max_records_(max_records),
      slot_(options.slot()) {}

sdk::Result<void> ChangeStream::run(postgres::Connection& connection,
                                    std::optional<Lsn> end_marker) {
  Lsn start = targets_.front()->start();
  for (const auto& t : targets_) start = std::min(start, t->start());
  postgres::StartReplicationOptions start_options;
  start_options.slot_name = slot_;
  start_options.start_lsn = start;
  start_options.publication_names = {options_.publication_name()};
  start_options.binary = true;
  start_options.messages = end_marker.has_value();
  auto stream = postgres::ReplicationStream::start(connection, start_options);
  if (!stream)
    return postgres_common::fail_with(stream.error(),
                                      "cannot start replication from slot '" + slot_ + "'");
  stream_ = &*stream;
  last_end_ = start;
  confirmed_ = persisted().value_or(0);
  end_marker_ = end_marker;
  last_flush_ = Clock::now();
  last_confirm_ = Clock::time_point{};
  RB_TRY(confirm(/*force=*/true));
  while (!done_) {
    auto message = stream->next();
    if (!message)
      return postgres_common::fail_with(message.error(),
                                        "replication from slot '" + slot_ + "' broke");
    if (!*message) {
      return sdk::transient_db_error("the server ended replication from slot '" + slot_ + "'",
                                     "REPLICATION_ENDED");
    }
    if (auto* keepalive = std::get_if<postgres::PrimaryKeepalive>(&**message)) {
      RB_TRY(on_keepalive(*keepalive));
    } else {
      const auto& data = std::get<postgres::XLogData>(**message);
      auto decoded = pgo::decode(data.data);
      if (!decoded)
        return postgres_common::fail_with(decoded.error(),
                                          "cannot decode a change from slot '" + slot_ + "'");
      RB_TRY(std::visit([&](const auto& m) { return on(m); }, *decoded));
    }
    RB_TRY(confirm(/*force=*/false));
  }
  RB_TRY(flush(/*at_commit=*/true, /*force_checkpoint=*/true));
  stream_ = nullptr;
  if (auto stopped = stream->stop(); !stopped) {
    return postgres_common::fail_with(stopped.error(),
                                      "cannot stop replication from slot '" + slot_ + "'");
  }
  return {};
}

sdk::Result<void> ChangeStream::on_keepalive(const postgres::PrimaryKeepalive& keepalive) {
  report_lag(keepalive);
  if (!in_transaction_) {
    // Every transaction that commits before the server's position was sent
    // before this keepalive, so the position is a safe cursor even when
    // nothing of ours changed: checkpointing it lets the slot let go of WAL
    // that other tables and databases write.
    last_end_ = std::max(last_end_, keepalive.wal_end);
    // The server caught up: nothing more is coming right now, so the rows so
    // far get their checkpoint (and the destination its commit) now rather
    // than with the next change, which may be long in coming. Under load the
    // server is never idle and the intervals hold.
    RB_TRY(flush(/*at_commit=*/true, /*force_checkpoint=*/true));
    // The server pings an idle client again only after its next status.
    server_waiting_ = true;
    if (end_marker_ && keepalive.wal_end > *end_marker_) done_ = true;
  }
  if (keepalive.reply_requested) return confirm(/*force=*/true);
  return {};
}

sdk::Result<void> ChangeStream::on(const pgo::Begin& begin) {
  in_transaction_ = true;
  txn_lsn_ = begin.final_lsn;
  txn_time_ = begin.commit_time_us;
  return {};
}

sdk::Result<void> ChangeStream::on(const pgo::Commit& commit) {
  in_transaction_ = false;
  if (server_waiting_) {
    // A status lets the server ping again when it next goes idle, which is
    // when this transaction's rows get their checkpoint.
    server_waiting_ = false;
    RB_TRY(confirm(/*force=*/true));
  }
  last_end_ = std::max(last_end_, commit.end_lsn);
  last_commit_time_ = commit.commit_time_us;
  if (end_marker_ && commit.end_lsn > *end_marker_) done_ = true;
  if (max_records_ && records() >= *max_records_) done_ = true;
  const bool full = std::ranges::any_of(targets_, [](const auto& t) { return t->full(); });
  if (full || Clock::now() - last_flush_ >= kFlushInterval) {
    return flush(/*at_commit=*/true, /*force_checkpoint=*/false);
  }
  return {};
}

sdk::Result<void> ChangeStream::on(const pgo::Relation& relation) {
  for (const auto& target : targets_) {
    const TableInfo& table = target->table();
    if (relation.schema != table.name.schema || relation.name != table.name.table) continue;
    // A new definition (ALTER TABLE): rows so far keep the old schema.
    RB_TRY(target->emit_pending());
    RB_ASSIGN_OR_RETURN(auto made,
                        ChangeBatchBuilder::make(relation, table, target->catalog().codec_options));
    target->set_relation(std::move(made), relation.oid);
    std::erase_if(relations_, [&](const auto& r) { return r.second == target.get(); });
    relations_.emplace_back(relation.oid, target.get());
  }
  return {};
}

ChangeTarget* ChangeStream::target_of(uint32_t oid) const {
  for (const auto& [relation, target] : relations_) {
    if (relation != oid) continue;
    // Committed before the stream's start: in its snapshot, or applied.
    return txn_lsn_ < target->start() ? nullptr : target;
  }
  return nullptr;
}

sdk::Result<void> ChangeStream::on(const pgo::Insert& insert) {
  ChangeTarget* target = target_of(insert.relation_oid);
  if (!target) return {};
  return append(*target, ChangeOp::kInsert, insert.new_tuple, nullptr);
}

sdk::Result<void> ChangeStream::on(const pgo::Update& update) {
  ChangeTarget* target = target_of(update.relation_oid);
  if (!target) return {};
  const bool full = update.old_kind == pgo::OldTupleKind::kFull;
  if (update.old_kind != pgo::OldTupleKind::kNone &&
      target->builder()->key_changed(update.old_tuple, update.new_tuple)) {
    // The row moved to another key: the old one goes away.
    RB_TRY(append(*target, ChangeOp::kDelete, update.old_tuple, nullptr));
  }
  return append(*target, ChangeOp::kUpdate, update.new_tuple, full ? &update.old_tuple : nullptr);
}

sdk::Result<void> ChangeStream::on(const pgo::Delete& del) {
  ChangeTarget* target = target_of(del.relation_oid);
  if (!target) return {};
  return append(*target, ChangeOp::kDelete, del.old_tuple, nullptr);
}

sdk::Result<void> ChangeStream::on(const pgo::Truncate& truncate) {
  for (uint32_t oid : truncate.relation_oids) {
    ChangeTarget* target = target_of(oid);
    if (!target) continue;
    RB_TRY(target->builder()->append_truncate(txn_lsn_, txn_time_));
  }
  return {};
}

sdk::Result<void> ChangeStream::on(const pgo::LogicalMessage& message) {
  if (!message.transactional && end_marker_ && message.prefix == kEndMarkerPrefix &&
      message.lsn >= *end_marker_) {
    done_ = !in_transaction_;
  }
  return {};
}

sdk::Result<void> ChangeStream::append(ChangeTarget& target, ChangeOp op, const pgo::Tuple& tuple,
                                       const pgo::Tuple* old_tuple) {
  ChangeBatchBuilder& builder = *target.builder();
  if (op == ChangeOp::kUpdate && options_.unchanged_toast == UnchangedToast::kDlq) {
    const auto unresolved = builder.unresolved_toast(tuple, old_tuple);
    if (!unresolved.empty()) {
      protocol::DlqRecord record;
      record.stream_name = target.stream().stream_name;
      record.record_json = std::string("{\"") + protocol::change::kLsnColumn +
                           "\":" + std::to_string(txn_lsn_) + "}";
      record.error = sdk::make_error(
          protocol::ErrorCategory::kData,
          "update of " + target.table().name.quoted() + " at LSN " +
              postgres::format_lsn(txn_lsn_) +
              " left TOAST values unsent (set REPLICA IDENTITY FULL to stream them)",
          "UNCHANGED_TOAST");
      record.error.scope = protocol::ErrorScope::kPerRecord;
      ctx_.warn(record.error.message);
      ctx_.dlq(record);
      return {};
    }
  }
  RB_ASSIGN_OR_RETURN(auto refused, builder.append(op, tuple, old_tuple, txn_lsn_, txn_time_));
  if (refused) return set_aside(target, *refused);
  if (target.full()) return target.emit_pending();
  return {};
}

// The change just appended holds a value Arrow cannot hold: the changes
// before it go on, and on_data_error decides about it (refused_row.hpp).
sdk::Result<void> ChangeStream::set_aside(ChangeTarget& target, const std::string& refusal) {
  RB_ASSIGN_OR_RETURN(auto split, target.builder()->finish_but_last());
  if (split.before.num_rows() > 0) {
    RB_TRY(target.emitter().emit(split.before));
  }
  auto failure =
      refuse_row(ctx_, target.stream(), target.table().primary_key, split.last,
                 refusal + " (the change at LSN " + postgres::format_lsn(txn_lsn_) + ")");
  if (failure) return sdk::data_error(*failure, "VALUE_OUT_OF_RANGE");
  return {};
}

sdk::Result<void> ChangeStream::flush(bool at_commit, bool force_checkpoint) {
  last_flush_ = Clock::now();
  for (const auto& target : targets_) {
    RB_TRY(target->emit_pending());
    if (at_commit && !in_transaction_) target->checkpoint(last_end_, force_checkpoint);
  }
  return {};
}

std::optional<Lsn> ChangeStream::persisted() const {
  std::optional<Lsn> lowest;
  for (const auto& target : targets_) {
    auto cursor = lsn_of(ctx_.committed_cursor(target->stream().stream_name));
    if (!cursor) return std::nullopt;
    lowest = lowest ? std::min(*lowest, *cursor) : *cursor;
  }
  return lowest;
}

sdk::Result<void> ChangeStream::confirm(bool force) {
  const auto now = Clock::now();
  if (!force && now - last_confirm_ < kConfirmInterval) return {};
  last_confirm_ = now;
  if (auto lowest = persisted()) confirmed_ = std::max(confirmed_, *lowest);
  if (!force && confirmed_ == sent_) return {};
  auto sent = stream_->send_status(confirmed_, confirmed_, confirmed_);
  if (!sent)
    return postgres_common::fail_with(sent.error(), "cannot confirm to slot '" + slot_ + "'");
  sent_ = confirmed_;
  return {};
}

void ChangeStream::report_lag(const postgres::PrimaryKeepalive& keepalive) {
  const bool behind = keepalive.wal_end > last_end_;
  const uint64_t bytes = behind ? keepalive.wal_end - last_end_ : 0;
  const double seconds =
      behind && last_commit_time_ > 0
          ? static_cast<double>(std::max<int64_t>(0, keepalive.send_time_us - last_commit_time_)) /
                1e6
          : 0;
  auto gauge = [](double value) {
    return protocol::MetricValue(std::in_place_index<protocol::metric_kind::kGauge>, value);
  };
  for (const auto& target : targets_) {
    const std::vector<protocol::MetricLabel> labels = {{"stream", target->stream().stream_name}};
    ctx_.metric({"replication_lag_bytes", gauge(static_cast<double>(bytes)), labels});
    ctx_.metric({"replication_lag_seconds", gauge(seconds), labels});
  }
  if (!options_.max_lag_bytes) return;
  if (bytes > *options_.max_lag_bytes && !lag_warned_) {
    ctx_.warn("replication from slot '" + slot_ + "' is " + std::to_string(bytes) +
              " bytes of WAL behind the server, more than max_lag_bytes (" +
              std::to_string(*options_.max_lag_bytes) + ")");
    lag_warned_ = true;
  } else if (bytes <= *options_.max_lag_bytes && lag_warned_) {
    ctx_.info("replication from slot '" + slot_ + "' is back within max_lag_bytes");
    lag_warned_ = false;
  }
}

uint64_t ChangeStream::records() const {
  uint64_t n = 0;
  for (const auto& target : targets_) {
    n += target->summary().records + static_cast<uint64_t>(target->pending_rows());
  }
  return n;
}

}  // namespace rapidbyte::connectors::source_postgres
