// `check`'s reading of the pipeline's streams against the catalog the
// source discovered: every stream, selected column, cursor field and key
// column the file names must exist there, the cursor must be a column the
// source can order by, the sync mode one the stream offers, and upsert
// needs a key. Each problem is one line naming the stream and the field,
// with the closest existing name when there is one. Pure: no I/O.
#pragma once

#include <vector>

#include "host/engine/check_line.hpp"
#include "host/engine/pipeline_config.hpp"
#include "portable/protocol/types.hpp"

namespace rapidbyte::engine {

// The catalog entry of stream `name`: its name, or "<namespace>.<name>".
const protocol::CatalogStream* find_catalog_stream(const protocol::Catalog& catalog,
                                                   const std::string& name);

// One line per problem, or one passed line per stream without any.
std::vector<CheckLine> resolve_streams(const PipelineConfig& pipeline,
                                       const protocol::Catalog& catalog);

}  // namespace rapidbyte::engine
