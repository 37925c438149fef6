// dest-file: writes each stream as Parquet, CSV or JSON Lines files under
// <path>/<stream>/, optionally in Hive-style partition directories, through
// the directory the pipeline grants (permissions.filesystem), or as objects
// under s3://bucket/prefix through the host's TCP calls to the configured
// endpoint.
//
// A StreamOutput (stream_output.hpp: LocalOutput, ObjectOutput) decides
// when files become visible and keeps reruns exact; this file parses the
// config and drives a stream's batches into it. Appends of incremental and cdc streams commit at
// the stream's checkpoint intervals, each commit confirmed with a destination checkpoint; full
// refresh and replace publish once, at the end.
#include <chrono>
#include <optional>
#include <string>

#include "guest/connectors/dest-file/local_output.hpp"
#include "guest/connectors/dest-file/object_output.hpp"
#include "guest/connectors/file-common/local_files.hpp"
#include "guest/connectors/file-common/s3_manifest.hpp"
#include "guest/sdk/sdk.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::dest_file {
namespace {

sdk::Result<FormatOptions> parse_format(const sdk::JsonConfig& config) {
  FormatOptions options;
  RB_ASSIGN_OR_RETURN(auto format, config.get_string("format", "parquet"));
  if (format == "parquet") {
    options.format = FileFormat::kParquet;
  } else if (format == "csv") {
    options.format = FileFormat::kCsv;
  } else if (format == "jsonl") {
    options.format = FileFormat::kJsonLines;
  } else {
    return sdk::config_error("config field 'format' must be parquet, csv or jsonl; got '" + format +
                             "'");
  }
  const bool parquet = options.format == FileFormat::kParquet;
  RB_ASSIGN_OR_RETURN(auto compression,
                      config.get_string("compression", parquet ? "zstd" : "none"));
  if (parquet) {
    if (compression == "zstd") {
      options.codec = parquet::Codec::kZstd;
    } else if (compression == "snappy") {
      options.codec = parquet::Codec::kSnappy;
    } else if (compression == "gzip") {
      options.codec = parquet::Codec::kGzip;
    } else if (compression == "none") {
      options.codec = parquet::Codec::kUncompressed;
    } else {
      return sdk::config_error(
          "config field 'compression' must be zstd, snappy, gzip or none for parquet; got '" +
          compression + "'");
    }
  } else if (compression == "gzip") {
    options.text_compression = TextCompression::kGzip;
  } else if (compression == "zstd") {
    options.text_compression = TextCompression::kZstd;
  } else if (compression != "none") {
    return sdk::config_error("config field 'compression' must be gzip, zstd or none for " + format +
                             "; got '" + compression + "'");
  }
  RB_ASSIGN_OR_RETURN(options.row_group_bytes,
                      config.get_u64("row_group_bytes", options.row_group_bytes));
  RB_ASSIGN_OR_RETURN(auto page_version, config.get_u64("data_page_version", 1));
  options.data_page_v2 = page_version == 2;
  RB_ASSIGN_OR_RETURN(options.csv.delimiter, config.get_char("delimiter", ','));
  RB_ASSIGN_OR_RETURN(options.csv.quote, config.get_char("quote", '"'));
  RB_ASSIGN_OR_RETURN(options.csv.null_string, config.get_string("null_string", ""));
  RB_ASSIGN_OR_RETURN(options.csv.header, config.get_bool("header", true));
  return options;
}

class DestFile final : public sdk::Destination {
 public:
  sdk::Result<void> open(std::string_view config_json) override {
    RB_ASSIGN_OR_RETURN(auto config, sdk::JsonConfig::parse(config_json));
    RB_ASSIGN_OR_RETURN(root_, config.require_string("path"));
    RB_ASSIGN_OR_RETURN(bucket_, files::S3Location::parse(root_, "path"));
    if (bucket_) {
      RB_ASSIGN_OR_RETURN(auto settings, files::S3Settings::from_config(config));
      s3_.emplace(std::move(settings));
    }
    RB_ASSIGN_OR_RETURN(options_.format, parse_format(config));
    RB_ASSIGN_OR_RETURN(options_.max_file_bytes,
                        config.get_u64("max_file_bytes", options_.max_file_bytes));
    RB_ASSIGN_OR_RETURN(options_.upload_part_bytes,
                        config.get_u64("upload_part_bytes", options_.upload_part_bytes));
    if (const rapidjson::Value* keys = config.member("partition_by")) {
      for (const auto& key : keys->GetArray()) {
        if (!key.IsString()) {
          return sdk::config_error("config field 'partition_by' must be a list of strings");
        }
        RB_ASSIGN_OR_RETURN(auto parsed, parse_partition_key(key.GetString()));
        options_.partition_by.push_back(std::move(parsed));
      }
    }
    return {};
  }

  sdk::Result<protocol::ValidationReport> validate(sdk::Context& ctx) override {
    protocol::ValidationReport report;
    auto writable = check_writable(ctx);
    report.checks.push_back(
        {"directory " + root_,
         writable ? protocol::CheckStatus::kPassed : protocol::CheckStatus::kFailed,
         writable ? "files can be written under '" + root_ + "'" : writable.error().message});
    if (!writable) report.status = protocol::CheckStatus::kFailed;
    return report;
  }

  sdk::Result<protocol::RunSummary> run(sdk::Context& ctx,
                                        const protocol::RunRequest& request) override {
    if (request.streams.size() != 1) {
      return sdk::internal_error("write needs exactly one stream", "BAD_STREAMS");
    }
    const protocol::StreamContext& stream = request.streams[0];
    RB_TRY(check_stream_directory(stream.stream_name));
    if (stream.write_mode == protocol::WriteMode::kUpsert) {
      return sdk::config_error("stream '" + stream.stream_name +
                               "': dest-file cannot upsert; use write_mode append or replace");
    }
    const OutputLayout layout{root_, stream.stream_name};
    if (request.phase == protocol::RunPhase::kFinalize) return finalize(ctx, layout, stream);
    if (request.dry_run) {
      RB_TRY(check_writable(ctx));
      return sdk::summary(protocol::WriteSummary{});
    }
    if (!bucket_) {
      LocalOutput output(layout, options_, stream, ctx);
      return write_stream(ctx, stream, output);
    }
    RB_ASSIGN_OR_RETURN(auto client, files::connect_s3(ctx, *s3_));
    ObjectOutput output(client, *bucket_, options_, stream, ctx);
    return write_stream(ctx, stream, output);
  }

 private:
  // Writes the stream's batches into `output`, committing at the
  // checkpoint intervals when it commits in the run.
  sdk::Result<protocol::RunSummary> write_stream(sdk::Context& ctx,
                                                 const protocol::StreamContext& stream,
                                                 StreamOutput& output) {
    RB_TRY(output.start());
    protocol::WriteSummary summary;
    sdk::CheckpointSchedule schedule(stream.limits);
    const bool commits_in_run = output.publication() == Publication::kDirect;
    auto confirm = [&] {
      ctx.checkpoint({protocol::CheckpointKind::kDestination, stream.stream_name, std::nullopt,
                      std::nullopt, schedule.rows(), schedule.bytes()});
      ++summary.checkpoints;
      schedule.restart();
    };
    auto commit = [&]() -> sdk::Result<void> {
      RB_ASSIGN_OR_RETURN(auto committed, output.commit(ctx.committed_cursor()));
      if (committed || (schedule.rows() == 0 && schedule.bytes() == 0)) {
        confirm();
      } else {
        schedule.postpone();
      }
      return {};
    };
    for (;;) {
      if (auto wait = schedule.idle_wait(); commits_in_run && wait && !ctx.batch_ready(*wait)) {
        RB_TRY(commit());  // an idle stream, committed on time
        continue;
      }
      std::optional<sdk::HostBytes> bytes = ctx.batch_next();
      if (!bytes) break;
      RB_ASSIGN_OR_RETURN(auto rows, sdk::write_ipc_batches(*bytes, summary.batches + 1,
                                                            [&](const arrow::RecordBatch& batch) {
                                                              return output.write(batch);
                                                            }));
      summary.bytes_written += bytes->size();
      schedule.add(rows, bytes->size());
      ++summary.batches;
      if (commits_in_run && schedule.due()) {
        // Waits for what follows the batch (the next batch, or the end) so
        // that the source checkpoint sent right behind it is taken in
        // first: the commit then persists the cursor of every row it
        // makes visible.
        (void)ctx.batch_ready(schedule.idle_wait().value_or(std::chrono::hours(24)));
        RB_TRY(commit());
      }
    }
    RB_TRY(output.finish(ctx.committed_cursor()));
    confirm();
    summary.records_written = output.records_written();
    ctx.counter("records", summary.records_written);
    ctx.counter("files", output.files_written());
    return sdk::summary(summary);
  }

  // Publishes the generation the slices of a partitioned stream wrote.
  sdk::Result<protocol::RunSummary> finalize(sdk::Context& ctx, const OutputLayout& layout,
                                             const protocol::StreamContext& stream) {
    if (!stream.partition) {
      return sdk::internal_error("finalize needs the stream's partition", "BAD_STREAMS");
    }
    if (bucket_) {
      RB_ASSIGN_OR_RETURN(auto client, files::connect_s3(ctx, *s3_));
      ObjectOutput output(client, *bucket_, options_, stream, ctx);
      RB_TRY(output.publish_slices());
      return sdk::summary(protocol::WriteSummary{});
    }
    const std::string generation = "g" + std::to_string(stream.partition->generation);
    RB_TRY(roll_back_unpublished(layout, ctx, generation));
    RB_TRY(publish_generation(layout, generation, stream.write_mode, ctx));
    return sdk::summary(protocol::WriteSummary{});
  }

  // The root exists (or can be made) and takes a new file.
  sdk::Result<void> check_writable(sdk::Context& ctx) const {
    if (bucket_) {
      RB_ASSIGN_OR_RETURN(auto client, files::connect_s3(ctx, *s3_));
      const std::string probe = bucket_->key(".rapidbyte-write-check");
      const std::string_view ok = "ok";
      RB_TRY(files::from_s3(client.put_object(
          bucket_->bucket, probe, {reinterpret_cast<const uint8_t*>(ok.data()), ok.size()})));
      return files::from_s3(client.delete_object(bucket_->bucket, probe));
    }
    RB_TRY(files::make_directories(root_));
    const std::string probe = files::join_path(root_, ".rapidbyte-write-check");
    RB_TRY(files::write_small_file(probe, "ok"));
    return files::remove_file(probe);
  }

  std::string root_;
  std::optional<files::S3Location> bucket_;  // an s3:// path
  std::optional<files::S3Settings> s3_;
  OutputOptions options_;
};

}  // namespace
}  // namespace rapidbyte::connectors::dest_file

RAPIDBYTE_EXPORT_DESTINATION(rapidbyte::connectors::dest_file::DestFile)

// clang-format off
RAPIDBYTE_MANIFEST({
  "id": "dest-file",
  "version": "0.1.0",
  "protocol_version": 4,
  "roles": ["destination"],
  "description": "Writes each stream as Parquet, CSV or JSON Lines files under <path>/<stream>/, on local disk or in an S3-compatible bucket: append, or replace by switching to a new generation at once.",
  "capabilities": {"sync_modes": ["full_refresh", "incremental", "cdc"],
                   "write_modes": ["append", "replace"]},
  "permissions": {"network": {"hosts": [], "hosts_from_config": ["endpoint"]},
                  "env": [RAPIDBYTE_S3_ENVIRONMENT],
                  "filesystem": [{"from_config": "path", "access": "read_write"}]},
  "resources": {"memory_mb": 512},
  "config_schema": {
    "type": "object",
    "required": ["path"],
    "properties": {
      "path": {"type": "string", "minLength": 1,
               "description": "Directory of the files; each stream writes under <path>/<stream>/. Relative paths are taken from the working directory; s3://bucket/prefix writes objects (with endpoint and credentials)."},
      RAPIDBYTE_S3_PROPERTIES,
      "format": {"enum": ["parquet", "csv", "jsonl"], "default": "parquet",
                 "description": "File format."},
      "compression": {"enum": ["zstd", "snappy", "gzip", "none"],
                      "description": "parquet: zstd (default), snappy, gzip or none, per page. csv and jsonl: gzip, zstd or none (default), the whole file (.gz, .zst)."},
      "partition_by": {"type": "array", "items": {"type": "string", "minLength": 1},
                       "description": "Hive-style directories: a column (region=eu/) or a date or timestamp column with year, month, day or hour (created_at:day -> created_at_day=2026-12-04/)."},
      "max_file_bytes": {"type": "integer", "minimum": 1, "default": 268435456,
                         "description": "A file is closed and the next one started at this size."},
      "upload_part_bytes": {"type": "integer", "minimum": 5242880, "default": 8388608,
                            "description": "s3:// paths: a file larger than this is uploaded in parts of this size (each held in memory while it fills)."},
      "row_group_bytes": {"type": "integer", "minimum": 1, "default": 67108864,
                          "description": "parquet: a row group is written out when its values reach this size decoded (PLAIN, before dictionaries and compression): about the memory a reader needs for one."},
      "data_page_version": {"enum": [1, 2], "default": 1,
                            "description": "parquet: data pages of version 1 or 2."},
      "delimiter": {"type": "string", "minLength": 1, "maxLength": 1, "default": ",",
                    "description": "csv: the field delimiter."},
      "quote": {"type": "string", "minLength": 1, "maxLength": 1, "default": "\"",
                "description": "csv: the quote character (doubled inside a quoted field)."},
      "null_string": {"type": "string", "default": "",
                      "description": "csv: the text of a NULL. With the default (empty), an empty string is written quoted (\"\")."},
      "header": {"type": "boolean", "default": true,
                 "description": "csv: a first line of column names."}
    },
    "additionalProperties": false
  }
});
// clang-format on
