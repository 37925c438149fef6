#include "guest/connectors/source-file/read_position.hpp"

#include <charconv>

namespace rapidbyte::connectors::source_file {

std::string ReadPosition::encode() const {
  return std::to_string(change_time_ns) + " " + std::to_string(rows) + " " + relative;
}

std::optional<ReadPosition> ReadPosition::decode(std::string_view text) {
  ReadPosition position;
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto time = std::from_chars(begin, end, position.change_time_ns);
  if (time.ec != std::errc() || time.ptr == end || *time.ptr != ' ') return std::nullopt;
  auto rows = std::from_chars(time.ptr + 1, end, position.rows);
  if (rows.ec != std::errc() || rows.ptr == end || *rows.ptr != ' ') return std::nullopt;
  position.relative = std::string(rows.ptr + 1, end);
  if (position.relative.empty()) return std::nullopt;
  return position;
}

}  // namespace rapidbyte::connectors::source_file
