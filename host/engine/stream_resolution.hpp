// `check`'s reading of the pipeline's streams against the catalog the
// source discovered: every stream, selected column, cursor field and key
// column the file names must exist there, the cursor must be a column the
// source can order by, the sync mode one the stream offers, and upsert
// needs a key. Each problem is one line naming the stream and the field,
// with the closest existing name when there is one. Pure: no I/O.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "host/engine/check_line.hpp"
#include "host/engine/pipeline_config.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::engine {

// The catalog entry of stream `name`: its name, or "<namespace>.<name>".
const protocol::CatalogStream* find_catalog_stream(const protocol::Catalog& catalog,
                                                   const std::string& name);

// Whether `name` matches glob `pattern` (* any run of characters, ? one).
bool matches_pattern(std::string_view pattern, std::string_view name);

// The pipeline with each stream pattern (StreamConfig::is_pattern) replaced
// by the catalog streams it matches and does not exclude, in catalog order,
// each with the pattern's settings. A stream the file names explicitly keeps
// its own entry; a stream two patterns match takes the first. A pattern is
// matched against a stream's name and its "namespace.name". An error names
// a pattern that matches nothing.
std::expected<PipelineConfig, std::string> expand_stream_patterns(PipelineConfig pipeline,
                                                                  const protocol::Catalog& catalog);

// One line per problem, or one passed line per stream without any.
std::vector<CheckLine> resolve_streams(const PipelineConfig& pipeline,
                                       const protocol::Catalog& catalog);

}  // namespace rapidbyte::engine
