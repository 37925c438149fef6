#include "guest/connectors/dest-file/object_output.hpp"

#include <algorithm>

#include "guest/connectors/dest-file/output_layout.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::dest_file {
namespace {

constexpr std::string_view kFullTag = "full";
constexpr std::string_view kMarkerPrefix = "commit-";

std::string_view base_name(std::string_view key) {
  return key.substr(key.rfind('/') + 1);
}

std::span<const uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// A marker's tag and paths ("tag <tag>\n<path>\n...").
struct MarkerText {
  std::string tag;
  std::vector<std::string> paths;
};

std::optional<MarkerText> parse_marker(std::string_view text) {
  if (!text.starts_with("tag ")) return std::nullopt;
  MarkerText marker;
  size_t end = text.find('\n');
  marker.tag = std::string(text.substr(4, end == std::string_view::npos ? end : end - 4));
  while (end != std::string_view::npos) {
    const size_t start = end + 1;
    end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? end : end - start);
    if (!line.empty()) marker.paths.emplace_back(line);
  }
  return marker;
}

}  // namespace

ObjectOutput::ObjectOutput(s3::S3Client& client, files::S3Location location,
                           const OutputOptions& options, protocol::StreamContext stream,
                           sdk::Context& ctx)
    : client_(client),
      location_(std::move(location)),
      options_(options),
      stream_(std::move(stream)),
      ctx_(ctx),
      publication_(publication_of(stream_)),
      session_(random_session()),
      files_(options, stream_.stream_name, file_name_prefix(stream_, session_),
             [this](const std::string& partition,
                    const std::string& stem) -> sdk::Result<std::unique_ptr<files::FileSink>> {
               const std::string relative = (partition.empty() ? "" : partition + "/") +
                                            data_file_name(stem, options_.format);
               return std::make_unique<files::S3Upload>(
                   client_, location_.bucket, file_key(relative), options_.upload_part_bytes);
             }) {
  if (stream_.partition) {
    generation_ = "gen-p" + std::to_string(stream_.partition->generation);
    directory_ = generation_ + "/";
  }
}

ObjectOutput::~ObjectOutput() = default;

std::string ObjectOutput::stream_key(std::string_view relative) const {
  return location_.key(stream_.stream_name + "/" + std::string(relative));
}

std::string ObjectOutput::marker_key(std::string_view name) const {
  return location_.key(".rapidbyte/" + stream_.stream_name + "/" + std::string(name));
}

std::string ObjectOutput::file_key(std::string_view relative) const {
  const bool staged =
      publication_ == Publication::kSlice && stream_.write_mode != protocol::WriteMode::kReplace;
  return staged ? marker_key(directory_ + std::string(relative))
                : stream_key(directory_ + std::string(relative));
}

sdk::Result<std::string> ObjectOutput::manifest_generation() {
  const std::string manifest_key = stream_key(files::kManifestName);
  RB_ASSIGN_OR_RETURN(auto manifest,
                      files::read_small_object(client_, location_.bucket, manifest_key));
  if (!manifest) return std::string();
  return files::manifest_generation(*manifest, s3::object_url(location_.bucket, manifest_key));
}

sdk::Result<void> ObjectOutput::start() {
  if (publication_ == Publication::kSlice) return remove_slice_objects();
  RB_TRY(clean_up_earlier_runs());
  RB_ASSIGN_OR_RETURN(const std::string current, manifest_generation());
  if (stream_.write_mode == protocol::WriteMode::kReplace) {
    generation_ = "gen-" + session_;
    directory_ = generation_ + "/";
  } else if (!current.empty()) {
    directory_ = current + "/";
  }
  // A replace that stopped before its manifest left a generation no
  // manifest names.
  const std::string prefix = stream_key("");
  RB_ASSIGN_OR_RETURN(auto objects, files::from_s3(client_.list_objects(location_.bucket, prefix)));
  uint64_t removed = 0;
  for (const s3::ListedObject& object : objects) {
    const std::string_view relative = std::string_view(object.key).substr(prefix.size());
    if (!relative.starts_with("gen-")) continue;
    if (!current.empty() && relative.starts_with(current + "/")) continue;
    RB_TRY(files::from_s3(client_.delete_object(location_.bucket, object.key)));
    ++removed;
  }
  if (removed > 0) {
    ctx_.info("stream '" + stream_.stream_name + "': removed " + std::to_string(removed) +
              " object(s) of a replace that stopped before it was published");
  }
  return {};
}

sdk::Result<void> ObjectOutput::remove_slice_objects() {
  const std::string prefix = file_key("");
  const std::string own = slice_file_prefix(stream_);
  RB_ASSIGN_OR_RETURN(auto pending,
                      files::from_s3(client_.pending_uploads(location_.bucket, prefix)));
  for (const s3::PendingUpload& upload : pending) {
    if (!base_name(upload.key).starts_with(own)) continue;  // another slice's, maybe running
    RB_TRY(files::from_s3(client_.abort_multipart(location_.bucket, upload.key, upload.upload_id)));
  }
  RB_ASSIGN_OR_RETURN(auto objects, files::from_s3(client_.list_objects(location_.bucket, prefix)));
  for (const s3::ListedObject& object : objects) {
    if (!base_name(object.key).starts_with(own)) continue;
    RB_TRY(files::from_s3(client_.delete_object(location_.bucket, object.key)));
  }
  return {};
}

sdk::Result<void> ObjectOutput::publish_slices() {
  RB_TRY(publish_staged_slices());
  // Every slice is done: what is pending or staged now belongs to attempts
  // or plans given up.
  return remove_abandoned_uploads();
}

sdk::Result<void> ObjectOutput::publish_staged_slices() {
  if (stream_.write_mode == protocol::WriteMode::kReplace) return switch_generation();
  RB_ASSIGN_OR_RETURN(const std::string current, manifest_generation());
  const std::string target = current.empty() ? "" : current + "/";
  const std::string staged = file_key("");
  const std::string key = marker_key(std::string(kMarkerPrefix) + generation_);
  // The places in the stream, relative to <stream>/: a marker left by a
  // publish that stopped names them (some already moved), else the staged
  // objects do.
  std::vector<std::string> places;
  RB_ASSIGN_OR_RETURN(auto left, files::read_small_object(client_, location_.bucket, key));
  if (left) {
    const std::optional<MarkerText> marker = parse_marker(*left);
    if (!marker) {
      return sdk::internal_error("stream '" + stream_.stream_name + "': marker " +
                                     s3::object_url(location_.bucket, key) + " is not one",
                                 "BAD_MARKER");
    }
    places = marker->paths;
  } else {
    RB_ASSIGN_OR_RETURN(auto objects,
                        files::from_s3(client_.list_objects(location_.bucket, staged)));
    std::string listing = "tag " + std::string(kFullTag) + "\n";
    for (const s3::ListedObject& object : objects) {
      places.push_back(target + object.key.substr(staged.size()));
      listing += places.back() + "\n";
    }
    RB_TRY(files::from_s3(client_.put_object(location_.bucket, key, bytes_of(listing))));
  }
  for (const std::string& place : places) {
    if (!place.starts_with(target)) {
      return sdk::internal_error("stream '" + stream_.stream_name + "': marker " +
                                     s3::object_url(location_.bucket, key) + " names '" + place +
                                     "' outside '" + target + "'",
                                 "BAD_MARKER");
    }
    const std::string from = staged + place.substr(target.size());
    auto copied = client_.copy_object(location_.bucket, from, stream_key(place));
    if (!copied && copied.error().http_status == 404) continue;  // moved before the stop
    RB_TRY(files::from_s3(std::move(copied)));
    RB_TRY(files::from_s3(client_.delete_object(location_.bucket, from)));
  }
  return files::from_s3(client_.delete_object(location_.bucket, key));
}

sdk::Result<void> ObjectOutput::remove_abandoned_uploads() {
  RB_ASSIGN_OR_RETURN(auto pending,
                      files::from_s3(client_.pending_uploads(location_.bucket, stream_key(""))));
  RB_ASSIGN_OR_RETURN(auto staged_pending, files::from_s3(client_.pending_uploads(
                                               location_.bucket, marker_key("gen-p"))));
  pending.insert(pending.end(), staged_pending.begin(), staged_pending.end());
  for (const s3::PendingUpload& upload : pending) {
    RB_TRY(files::from_s3(client_.abort_multipart(location_.bucket, upload.key, upload.upload_id)));
  }
  RB_ASSIGN_OR_RETURN(auto staged,
                      files::from_s3(client_.list_objects(location_.bucket, marker_key("gen-p"))));
  for (const s3::ListedObject& object : staged) {
    RB_TRY(files::from_s3(client_.delete_object(location_.bucket, object.key)));
  }
  if (!pending.empty()) {
    ctx_.info("stream '" + stream_.stream_name + "': aborted " + std::to_string(pending.size()) +
              " upload(s) a run that stopped left unfinished");
  }
  return {};
}

sdk::Result<void> ObjectOutput::clean_up_earlier_runs() {
  RB_TRY(remove_abandoned_uploads());
  const std::string resume_tag = cursor_tag(stream_.last_cursor_value);
  RB_ASSIGN_OR_RETURN(auto markers, files::from_s3(client_.list_objects(
                                        location_.bucket, marker_key(kMarkerPrefix))));
  uint64_t removed = 0;
  for (const s3::ListedObject& listed : markers) {
    RB_ASSIGN_OR_RETURN(auto text, files::read_small_object(client_, location_.bucket, listed.key));
    if (!text) continue;
    const std::optional<MarkerText> marker = parse_marker(*text);
    if (marker && (marker->tag == kFullTag || marker->tag == resume_tag)) {
      for (const std::string& path : marker->paths) {
        RB_TRY(files::from_s3(client_.delete_object(location_.bucket, stream_key(path))));
        ++removed;
      }
    }
    RB_TRY(files::from_s3(client_.delete_object(location_.bucket, listed.key)));
  }
  if (removed > 0) {
    ctx_.info("stream '" + stream_.stream_name + "': removed " + std::to_string(removed) +
              " object(s) written after the point it resumes from; their rows are written again");
  }
  return {};
}

sdk::Result<void> ObjectOutput::write(const arrow::RecordBatch& batch) {
  RB_TRY(files_.write(batch));
  // A replace's new generation is read by no one until the manifest names
  // it: its files are published as they are closed.
  return generation_.empty() ? sdk::Result<void>() : publish_generation_files();
}

sdk::Result<void> ObjectOutput::publish_generation_files() {
  for (PartitionedFiles::ClosedFile& file : files_.take_closed()) {
    // Every sink here is an upload this output opened.
    RB_TRY(static_cast<files::S3Upload&>(*file.sink).publish());
  }
  return {};
}

sdk::Result<void> ObjectOutput::publish_closed(const std::string& tag) {
  std::vector<PartitionedFiles::ClosedFile> closed = files_.take_closed();
  if (closed.empty()) return {};
  const std::string prefix = stream_key("");
  std::string listing = "tag " + tag + "\n";
  for (const PartitionedFiles::ClosedFile& file : closed) {
    // Every sink here is an upload this output opened.
    listing += static_cast<files::S3Upload&>(*file.sink).key().substr(prefix.size()) + "\n";
  }
  const std::string key =
      marker_key(std::string(kMarkerPrefix) + session_ + "-" + std::to_string(++commits_));
  RB_TRY(files::from_s3(client_.put_object(location_.bucket, key, bytes_of(listing))));
  markers_.push_back({key, tag});
  for (PartitionedFiles::ClosedFile& file : closed) {
    RB_TRY(static_cast<files::S3Upload&>(*file.sink).publish());
  }
  return {};
}

sdk::Result<void> ObjectOutput::remove_settled_markers(const std::string& current) {
  for (const Marker& marker : markers_) {
    if (marker.tag == current) continue;
    RB_TRY(files::from_s3(client_.delete_object(location_.bucket, marker.key)));
  }
  std::erase_if(markers_, [&](const Marker& marker) { return marker.tag != current; });
  return {};
}

sdk::Result<bool> ObjectOutput::commit(const std::optional<protocol::CursorValue>& committed) {
  if (publication_ != Publication::kDirect || !files_.has_files()) return false;
  RB_TRY(files_.close_all());
  const std::string tag = cursor_tag(committed);
  RB_TRY(remove_settled_markers(tag));
  RB_TRY(publish_closed(tag));
  return true;
}

sdk::Result<void> ObjectOutput::switch_generation() {
  const std::string manifest_key = stream_key(files::kManifestName);
  RB_TRY(files::from_s3(client_.put_object(location_.bucket, manifest_key,
                                           bytes_of(files::manifest_text(generation_)))));
  const std::string prefix = stream_key("");
  RB_ASSIGN_OR_RETURN(auto objects, files::from_s3(client_.list_objects(location_.bucket, prefix)));
  for (const s3::ListedObject& object : objects) {
    if (object.key == manifest_key || object.key.starts_with(prefix + directory_)) continue;
    RB_TRY(files::from_s3(client_.delete_object(location_.bucket, object.key)));
  }
  return {};
}

sdk::Result<void> ObjectOutput::finish(const std::optional<protocol::CursorValue>& committed) {
  switch (publication_) {
    case Publication::kDirect:
      RB_TRY(commit(committed));
      return {};
    case Publication::kStaged:
      RB_TRY(files_.close_all());
      if (!generation_.empty()) {
        RB_TRY(publish_generation_files());
        return switch_generation();
      }
      // A full refresh's append: published under a marker that the next
      // run rolls back unless this one removes it, having published all.
      RB_TRY(publish_closed(std::string(kFullTag)));
      return remove_settled_markers("");
    case Publication::kSlice:
      // The plan's generation is read by no one until publish_slices().
      RB_TRY(files_.close_all());
      return publish_generation_files();
  }
  return {};
}

}  // namespace rapidbyte::connectors::dest_file
