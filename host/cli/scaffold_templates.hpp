// The templates `rapidbyte scaffold` fills in: the files of
// host/cli/scaffold_templates/, compiled into the binary at build time
// (cmake/EmbedTextFiles.cmake), so the binary needs no data files beside it.
#pragma once

#include <optional>
#include <string_view>

namespace rapidbyte::cli {

// The text of one template by file name ("source.cpp.in"), or nullopt.
std::optional<std::string_view> scaffold_template(std::string_view file_name);

}  // namespace rapidbyte::cli
