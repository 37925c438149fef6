#include "guest/connectors/dest-file/output_layout.hpp"

#include <type_traits>

#include "guest/connectors/file-common/local_files.hpp"
#include "portable/crypto/hex.hpp"
#include "portable/crypto/sha256.hpp"

namespace rapidbyte::connectors::dest_file {
namespace {

constexpr std::string_view kWorkDirectory = ".rapidbyte";
constexpr size_t kTagDigits = 16;

}  // namespace

std::string OutputLayout::stream_dir() const {
  return files::join_path(root, stream);
}

std::string OutputLayout::work_dir() const {
  return files::join_path(files::join_path(root, kWorkDirectory), stream);
}

std::string OutputLayout::generation_dir(std::string_view generation) const {
  return files::join_path(work_dir(), generation);
}

std::string OutputLayout::link_target(std::string_view generation) const {
  return std::string(kWorkDirectory) + "/" + stream + "/" + std::string(generation);
}

sdk::Result<void> check_stream_directory(std::string_view stream) {
  if (stream.empty() || stream.find('/') != std::string_view::npos || stream == "." ||
      stream == ".." || files::is_hidden_name(stream)) {
    return sdk::config_error("stream '" + std::string(stream) +
                             "' cannot name a directory: a stream's files go to <path>/<stream>/, "
                             "so its name must not be empty, hold '/', or start with '.' or '_'");
  }
  return {};
}

std::string cursor_tag(const std::optional<protocol::CursorValue>& cursor) {
  crypto::Sha256 hash;
  if (!cursor) {
    hash.update(std::string_view("none"));
  } else {
    const char kind = static_cast<char>('0' + cursor->index());
    hash.update(std::string_view(&kind, 1));
    std::visit(
        [&hash](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::string>) {
            hash.update(std::string_view(value));
          } else if constexpr (std::is_same_v<T, std::vector<uint8_t>>) {
            hash.update(std::span<const uint8_t>(value));
          } else {
            hash.update(
                std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(&value), sizeof value));
          }
        },
        *cursor);
  }
  const crypto::Sha256Digest digest = hash.finish();
  return crypto::to_hex(std::span<const uint8_t>(digest.data(), kTagDigits / 2));
}

std::string_view tag_of_file_name(std::string_view name) {
  const size_t dot = name.find('.');
  const std::string_view stem = name.substr(0, dot);
  if (stem.size() < kTagDigits + 2) return {};
  const std::string_view tail = stem.substr(stem.size() - kTagDigits - 2);
  if (tail.substr(0, 2) != "-c") return {};
  return tail.substr(2);
}

std::string temporary_name(std::string_view final_name) {
  return "." + std::string(final_name) + ".tmp";
}

bool is_temporary_name(std::string_view name) {
  return name.size() > 5 && name.front() == '.' && name.ends_with(".tmp");
}

}  // namespace rapidbyte::connectors::dest_file
