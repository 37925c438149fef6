// Where connector state lives in the backend's one key space:
//   <pipeline>/pipeline/<key>                 StateScope::kPipeline
//   <pipeline>/stream/<stream>/<key>          StateScope::kPerStream
//   <pipeline>/connector/<connector id>/<key> StateScope::kConnectorInstance
// The stage services write keys so; `rapidbyte state` lists and resets them
// by these prefixes.
#pragma once

#include <string>
#include <vector>

#include "portable/protocol/types.hpp"

namespace rapidbyte::engine {

// The fully qualified key of a connector's `key` in `scope`.
// `owner` is the stream (kPerStream) or the connector id
// (kConnectorInstance); unused for kPipeline.
std::string connector_state_key(const std::string& pipeline, protocol::StateScope scope,
                                const std::string& owner, const std::string& key);

// The prefixes of every key a pipeline's connectors may hold.
std::vector<std::string> pipeline_state_prefixes(const std::string& pipeline);

// The prefix of the keys of one stream (StateScope::kPerStream).
std::string stream_state_prefix(const std::string& pipeline, const std::string& stream);

}  // namespace rapidbyte::engine
