#include "guest/sdk/abi/lift.hpp"

namespace rapidbyte::sdk::abi {

protocol::ConnectorError take_error(ConnectorError& error) {
  auto lifted = lift<protocol::ConnectorError>(error);
  rapidbyte_connector_core_types_connector_error_free(&error);
  return lifted;
}

}  // namespace rapidbyte::sdk::abi
