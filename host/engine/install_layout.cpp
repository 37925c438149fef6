#include "host/engine/install_layout.hpp"

#include <system_error>

namespace rapidbyte::engine {

namespace fs = std::filesystem;

fs::path running_binary() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : self;
}

std::optional<InstallLayout> install_layout_of(const fs::path& binary) {
  if (binary.empty() || binary.parent_path().filename() != "bin") return std::nullopt;
  InstallLayout layout{binary.parent_path().parent_path()};
  std::error_code ec;
  if (!fs::is_directory(layout.prefix / "lib" / "rapidbyte", ec)) return std::nullopt;
  return layout;
}

}  // namespace rapidbyte::engine
