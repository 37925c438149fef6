// Where the parts of an installed Rapidbyte live, found from the running
// binary. `cmake --install build --prefix P` lays them out as
//
//   P/bin/rapidbyte                    the binary
//   P/lib/rapidbyte/connectors/        the first-party connector modules
//   P/lib/cmake/RapidbyteSDK/          the connector SDK's CMake package
//
// so an installed binary finds its connectors and SDK wherever P is.
#pragma once

#include <filesystem>
#include <optional>

namespace rapidbyte::engine {

struct InstallLayout {
  std::filesystem::path prefix;

  std::filesystem::path binary() const { return prefix / "bin" / "rapidbyte"; }
  std::filesystem::path connector_dir() const {
    return prefix / "lib" / "rapidbyte" / "connectors";
  }
  std::filesystem::path sdk_package_dir() const {
    return prefix / "lib" / "cmake" / "RapidbyteSDK";
  }
};

// The running binary's own path (empty when the system cannot say).
std::filesystem::path running_binary();

// The layout around `binary` when it sits in an installed prefix (a bin/
// directory next to lib/rapidbyte/), else nullopt: a binary in a build tree.
std::optional<InstallLayout> install_layout_of(const std::filesystem::path& binary);

}  // namespace rapidbyte::engine
