#include "host/engine/state/state_keys.hpp"

namespace rapidbyte::engine {

std::string connector_state_key(const std::string& pipeline, protocol::StateScope scope,
                                const std::string& owner, const std::string& key) {
  switch (scope) {
    case protocol::StateScope::kPipeline:
      return pipeline + "/pipeline/" + key;
    case protocol::StateScope::kPerStream:
      return stream_state_prefix(pipeline, owner) + key;
    case protocol::StateScope::kConnectorInstance:
      return pipeline + "/connector/" + owner + "/" + key;
  }
  return key;
}

std::vector<std::string> pipeline_state_prefixes(const std::string& pipeline) {
  return {pipeline + "/connector/", pipeline + "/pipeline/", pipeline + "/stream/"};
}

std::string stream_state_prefix(const std::string& pipeline, const std::string& stream) {
  return pipeline + "/stream/" + stream + "/";
}

}  // namespace rapidbyte::engine
