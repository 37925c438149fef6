#include "guest/connectors/dest-file/local_output.hpp"

#include <algorithm>
#include <cstdio>

#include "guest/connectors/file-common/local_files.hpp"
#include "portable/base/join.hpp"
#include "portable/base/try.hpp"

namespace rapidbyte::connectors::dest_file {
namespace {

constexpr std::string_view kPublishingMarker = "_PUBLISHING";
constexpr std::string_view kLinkPrefix = ".link-";

// Visits the files under `dir` (hidden files too, but not hidden
// directories) with their paths relative to it.
template <class Visit>
sdk::Result<void> visit_files(const std::string& dir, const std::string& relative, Visit&& visit) {
  const std::string here = relative.empty() ? dir : files::join_path(dir, relative);
  RB_ASSIGN_OR_RETURN(auto names, files::list_directory(here));
  for (const std::string& name : names) {
    const std::string child = relative.empty() ? name : files::join_path(relative, name);
    RB_ASSIGN_OR_RETURN(auto kind, files::entry_kind(files::join_path(dir, child)));
    if (kind == files::EntryKind::kDirectory) {
      if (!files::is_hidden_name(name)) RB_TRY(visit_files(dir, child, visit));
    } else if (kind == files::EntryKind::kFile) {
      RB_TRY(visit(child, name));
    }
  }
  return {};
}

std::string parent_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

// The generation the stream's link points to, if it is one.
sdk::Result<std::optional<std::string>> current_generation(const OutputLayout& layout) {
  RB_ASSIGN_OR_RETURN(auto target, files::read_symlink(layout.stream_dir()));
  if (!target) return std::optional<std::string>();
  const std::string prefix = layout.link_target("");
  if (!target->starts_with(prefix)) return std::optional<std::string>();
  return std::optional<std::string>(target->substr(prefix.size()));
}

}  // namespace

LocalOutput::LocalOutput(OutputLayout layout, const OutputOptions& options,
                         protocol::StreamContext stream, sdk::Context& ctx)
    : layout_(std::move(layout)),
      options_(options),
      stream_(std::move(stream)),
      ctx_(ctx),
      publication_(publication_of(stream_)),
      session_(random_session()),
      files_(options, stream_.stream_name, file_name_prefix(stream_, session_),
             [this](const std::string& partition,
                    const std::string& stem) -> sdk::Result<std::unique_ptr<files::FileSink>> {
               const std::string dir =
                   partition.empty() ? target_dir() : files::join_path(target_dir(), partition);
               RB_TRY(files::make_directories(dir));
               RB_ASSIGN_OR_RETURN(
                   auto file, files::LocalOutputFile::create(files::join_path(
                                  dir, temporary_name(data_file_name(stem, options_.format)))));
               return std::make_unique<files::LocalOutputFile>(std::move(file));
             }) {
  if (publication_ == Publication::kSlice) {
    generation_ = "g" + std::to_string(stream_.partition->generation);
  } else if (publication_ == Publication::kStaged) {
    generation_ = "run-" + session_;
  }
}

LocalOutput::~LocalOutput() = default;

std::string LocalOutput::target_dir() const {
  return generation_.empty() ? layout_.stream_dir() : layout_.generation_dir(generation_);
}

sdk::Result<void> LocalOutput::start() {
  switch (publication_) {
    case Publication::kDirect:
      RB_TRY(roll_back_unpublished(layout_, ctx_, std::nullopt));
      RB_TRY(files::make_directories(layout_.stream_dir()));
      return remove_uncommitted_direct_files();
    case Publication::kStaged:
      RB_TRY(roll_back_unpublished(layout_, ctx_, std::nullopt));
      return files::make_directories(target_dir());
    case Publication::kSlice:
      RB_TRY(files::make_directories(target_dir()));
      return remove_slice_files();
  }
  return {};
}

sdk::Result<void> LocalOutput::remove_uncommitted_direct_files() {
  const std::string tag = cursor_tag(stream_.last_cursor_value);
  uint64_t removed = 0;
  RB_TRY(visit_files(layout_.stream_dir(), "",
                     [&](const std::string& path, const std::string& name) -> sdk::Result<void> {
                       const bool uncommitted = is_temporary_name(name);
                       if (!uncommitted && tag_of_file_name(name) != tag) return {};
                       if (!uncommitted) ++removed;
                       return files::remove_file(files::join_path(layout_.stream_dir(), path));
                     }));
  if (removed > 0) {
    ctx_.info("removed " + std::to_string(removed) + " file(s) of stream '" + stream_.stream_name +
              "' written after the cursor it resumes from; their rows are read again");
  }
  return {};
}

sdk::Result<void> LocalOutput::remove_slice_files() {
  const std::string prefix = slice_file_prefix(stream_);
  return visit_files(target_dir(), "",
                     [&](const std::string& path, const std::string& name) -> sdk::Result<void> {
                       const std::string_view plain =
                           is_temporary_name(name) ? std::string_view(name).substr(1) : name;
                       if (!plain.starts_with(prefix)) return {};
                       return files::remove_file(files::join_path(target_dir(), path));
                     });
}

sdk::Result<void> LocalOutput::write(const arrow::RecordBatch& batch) {
  return files_.write(batch);
}

sdk::Result<void> LocalOutput::rename_closed(const std::optional<std::string>& tag) {
  for (const PartitionedFiles::ClosedFile& file : files_.take_closed()) {
    const std::string dir =
        file.partition.empty() ? target_dir() : files::join_path(target_dir(), file.partition);
    const std::string name =
        data_file_name(tag ? file.stem + "-c" + *tag : file.stem, options_.format);
    RB_TRY(files::rename_path(
        files::join_path(dir, temporary_name(data_file_name(file.stem, options_.format))),
        files::join_path(dir, name)));
  }
  return {};
}

sdk::Result<bool> LocalOutput::commit(const std::optional<protocol::CursorValue>& committed) {
  if (publication_ != Publication::kDirect) return false;
  if (!files_.has_files()) return false;
  RB_TRY(files_.close_all());
  RB_TRY(rename_closed(cursor_tag(committed)));
  return true;
}

sdk::Result<void> LocalOutput::finish(const std::optional<protocol::CursorValue>& committed) {
  switch (publication_) {
    case Publication::kDirect:
      RB_TRY(commit(committed));
      return {};
    case Publication::kStaged:
      RB_TRY(files_.close_all());
      RB_TRY(rename_closed(std::nullopt));
      return publish_generation(layout_, generation_, stream_.write_mode, ctx_);
    case Publication::kSlice:
      RB_TRY(files_.close_all());
      return rename_closed(std::nullopt);
  }
  return {};
}

sdk::Result<void> roll_back_unpublished(const OutputLayout& layout, sdk::Context& ctx,
                                        const std::optional<std::string>& keep) {
  const std::string work = layout.work_dir();
  RB_ASSIGN_OR_RETURN(auto kind, files::entry_kind(work));
  if (kind != files::EntryKind::kDirectory) return {};
  RB_ASSIGN_OR_RETURN(auto current, current_generation(layout));
  RB_ASSIGN_OR_RETURN(auto names, files::list_directory(work));
  for (const std::string& name : names) {
    if (name == keep || name == current) continue;
    const std::string path = files::join_path(work, name);
    if (name.starts_with(kLinkPrefix)) {
      RB_TRY(files::remove_file(path));
      continue;
    }
    const std::string marker = files::join_path(path, kPublishingMarker);
    RB_ASSIGN_OR_RETURN(auto marker_kind, files::entry_kind(marker));
    if (marker_kind == files::EntryKind::kFile) {
      // An append stopped while moving its files in: take back those it moved.
      RB_ASSIGN_OR_RETURN(auto listing, files::read_small_file(marker));
      uint64_t removed = 0;
      size_t pos = 0;
      while (pos < listing.size()) {
        const size_t end = std::min(listing.find('\n', pos), listing.size());
        const std::string relative = listing.substr(pos, end - pos);
        pos = end + 1;
        if (relative.empty()) continue;
        RB_ASSIGN_OR_RETURN(auto staged, files::entry_kind(files::join_path(path, relative)));
        if (staged != files::EntryKind::kMissing) continue;
        RB_TRY(files::remove_file(files::join_path(layout.stream_dir(), relative)));
        ++removed;
      }
      ctx.info("stream '" + layout.stream + "': rolled back an append that stopped while " +
               "publishing (" + std::to_string(removed) + " file(s) taken back)");
    } else if (!name.starts_with("replaced-")) {
      ctx.info("stream '" + layout.stream + "': removed the unpublished generation '" + name +
               "' of a run that stopped");
    }
    RB_TRY(files::remove_tree(path));
  }
  return {};
}

sdk::Result<void> publish_generation(const OutputLayout& layout, std::string_view generation,
                                     protocol::WriteMode mode, sdk::Context& ctx) {
  const std::string dir = layout.generation_dir(generation);
  RB_ASSIGN_OR_RETURN(auto kind, files::entry_kind(dir));
  RB_ASSIGN_OR_RETURN(auto current, current_generation(layout));
  if (kind != files::EntryKind::kDirectory || current == generation) return {};
  const std::string stream_dir = layout.stream_dir();
  if (mode == protocol::WriteMode::kReplace) {
    // A new link, renamed over the old one: one atomic switch.
    const std::string link =
        files::join_path(layout.work_dir(), std::string(kLinkPrefix) + std::string(generation));
    RB_TRY(files::remove_file(link));
    RB_TRY(files::make_symlink(layout.link_target(generation), link));
    RB_ASSIGN_OR_RETURN(auto existing, files::entry_kind(stream_dir));
    RB_ASSIGN_OR_RETURN(auto old_link, files::read_symlink(stream_dir));
    if (existing == files::EntryKind::kDirectory && !old_link) {
      // The first replace of a directory written by appends: moved aside
      // first (readers see no directory for that moment only).
      RB_TRY(files::rename_path(stream_dir,
                                layout.generation_dir("replaced-" + std::string(generation))));
    }
    RB_TRY(files::rename_path(link, stream_dir));
    return roll_back_unpublished(layout, ctx, std::string(generation));
  }
  // Append: list, then move; a stop midway is rolled back by the next run.
  std::vector<std::string> relatives;
  RB_TRY(visit_files(dir, "", [&](const std::string& path, const std::string&) {
    relatives.push_back(path);
    return sdk::Result<void>{};
  }));
  RB_TRY(files::write_small_file(files::join_path(dir, kPublishingMarker),
                                 rapidbyte::join(relatives, "\n")));
  for (const std::string& relative : relatives) {
    if (relative == kPublishingMarker) continue;
    const std::string to = files::join_path(stream_dir, relative);
    RB_TRY(files::make_directories(parent_of(to)));
    RB_TRY(files::rename_path(files::join_path(dir, relative), to));
  }
  return files::remove_tree(dir);
}

}  // namespace rapidbyte::connectors::dest_file
