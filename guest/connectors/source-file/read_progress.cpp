#include "guest/connectors/source-file/read_progress.hpp"

#include <charconv>

namespace rapidbyte::connectors::source_file {
namespace {

constexpr std::string_view kObjectsHeader = "objects\n";

// Parses a decimal number ending at `stop` from the front of `text`.
std::optional<uint64_t> take_number(std::string_view& text, char stop) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() + text.size() || *end != stop) return std::nullopt;
  text.remove_prefix(static_cast<size_t>(end - text.data()) + 1);
  return value;
}

}  // namespace

uint64_t FilePosition::rows_taken(const DataFile& file) const {
  if (!position_) return 0;
  if (position_->is_after(file)) return kWhole;
  return position_->is_file(file) ? position_->rows : 0;
}

void FilePosition::take(const DataFile& file, uint64_t rows, bool) {
  position_ = ReadPosition{file.change_time_ns, file.relative, rows};
}

std::optional<std::string> FilePosition::encode() const {
  if (!position_) return std::nullopt;
  return position_->encode();
}

uint64_t ObjectsTaken::rows_taken(const DataFile& file) const {
  const auto it = objects_.find(file.relative);
  if (it == objects_.end() || it->second.etag != file.etag) return 0;
  return it->second.whole ? kWhole : it->second.rows;
}

void ObjectsTaken::take(const DataFile& file, uint64_t rows, bool whole) {
  objects_[file.relative] = Taken{file.etag, rows, whole};
}

std::optional<std::string> ObjectsTaken::encode() const {
  if (objects_.empty()) return std::nullopt;
  std::string out(kObjectsHeader);
  for (const auto& [relative, taken] : objects_) {
    out += taken.whole ? "*" : std::to_string(taken.rows);
    out += ' ';
    out += std::to_string(relative.size());
    out += ' ';
    out += relative;
    out += ' ';
    out += taken.etag;
    out += '\n';
  }
  return out;
}

std::optional<ObjectsTaken> ObjectsTaken::decode(std::string_view text) {
  if (!text.starts_with(kObjectsHeader)) return std::nullopt;
  text.remove_prefix(kObjectsHeader.size());
  ObjectsTaken progress;
  while (!text.empty()) {
    Taken taken;
    if (text.starts_with("* ")) {
      taken.whole = true;
      text.remove_prefix(2);
    } else {
      auto rows = take_number(text, ' ');
      if (!rows) return std::nullopt;
      taken.rows = *rows;
    }
    auto length = take_number(text, ' ');
    if (!length || *length == 0 || *length >= text.size()) return std::nullopt;
    std::string relative(text.substr(0, *length));
    text.remove_prefix(*length);
    if (!text.starts_with(' ')) return std::nullopt;
    text.remove_prefix(1);
    const size_t end = text.find('\n');
    if (end == std::string_view::npos) return std::nullopt;
    taken.etag = std::string(text.substr(0, end));
    text.remove_prefix(end + 1);
    progress.objects_[std::move(relative)] = std::move(taken);
  }
  return progress;
}

std::unique_ptr<ReadProgress> decode_progress(const std::optional<std::string>& cursor,
                                              bool objects) {
  if (objects) {
    if (!cursor) return std::make_unique<ObjectsTaken>();
    auto taken = ObjectsTaken::decode(*cursor);
    return taken ? std::make_unique<ObjectsTaken>(std::move(*taken)) : nullptr;
  }
  if (!cursor) return std::make_unique<FilePosition>(std::nullopt);
  auto position = ReadPosition::decode(*cursor);
  return position ? std::make_unique<FilePosition>(std::move(position)) : nullptr;
}

}  // namespace rapidbyte::connectors::source_file
