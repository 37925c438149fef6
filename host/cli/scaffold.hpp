// `rapidbyte scaffold <name>`: writes a new connector project that builds to
// a .wasm with the SDK and passes its own generated test.
//
// The name says the role: source-<x>, dest-<x> or transform-<x>. The project
// holds the connector (one C++ file with its manifest), a CMakeLists.txt with
// one rapidbyte_add_connector call, a pipeline that exercises it (test.yaml)
// and test.sh, which builds the module against an installed Rapidbyte SDK
// (`find_package(RapidbyteSDK)`) and runs the pipeline, checking the record
// count.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <vector>

namespace rapidbyte::cli {

// What the generated test.sh builds with and runs by default (each can be
// overridden there by an environment variable).
struct ScaffoldTools {
  std::filesystem::path sdk_prefix;  // RAPIDBYTE_SDK: holds lib/cmake/RapidbyteSDK
  std::filesystem::path rapidbyte;   // RAPIDBYTE: the binary
};

// Creates `parent`/`name`/ and its files; fails without writing anything when
// the name is not valid or the directory exists. Returns the files written.
std::expected<std::vector<std::filesystem::path>, std::string> scaffold_connector(
    const std::string& name, const std::filesystem::path& parent, const ScaffoldTools& tools);

}  // namespace rapidbyte::cli
