#include "guest/sdk/tcp_stream.hpp"

#include <utility>

#include "guest/sdk/abi/lift.hpp"
#include "guest/sdk/abi/lower.hpp"

namespace rapidbyte::sdk {

TcpStream::TcpStream(TcpStream&& other) noexcept
    : handle_(other.handle_), open_(std::exchange(other.open_, false)) {}

TcpStream& TcpStream::operator=(TcpStream&& other) noexcept {
  if (this != &other) {
    close();
    handle_ = other.handle_;
    open_ = std::exchange(other.open_, false);
  }
  return *this;
}

Result<HostBytes> TcpStream::read(uint32_t max_bytes) {
  abi::ListU8 data{};
  abi::ConnectorError err{};
  if (!rapidbyte_connector_host_io_tcp_read(handle_, max_bytes, &data, &err)) {
    return std::unexpected(abi::take_error(err));
  }
  return HostBytes::adopt(data.ptr, data.len);
}

Result<void> TcpStream::write(std::span<const uint8_t> data) {
  abi::ListU8 bytes = abi::borrow_bytes(data);
  abi::ConnectorError err{};
  if (!rapidbyte_connector_host_io_tcp_write(handle_, &bytes, &err)) {
    return std::unexpected(abi::take_error(err));
  }
  return {};
}

Result<void> TcpStream::start_tls(const protocol::TlsOptions& options) {
  // Everything is borrowed from `options`, which outlives the call.
  rapidbyte_connector_host_io_tls_options_t lowered{};
  lowered.server_name = abi::borrow_string(options.server_name);
  lowered.verify = static_cast<rapidbyte_connector_host_io_tls_verify_t>(options.verify);
  if (options.ca_file) {
    lowered.ca_file.is_some = true;
    lowered.ca_file.val = abi::borrow_string(*options.ca_file);
  }
  abi::ConnectorError err{};
  if (!rapidbyte_connector_host_io_tcp_start_tls(handle_, &lowered, &err)) {
    return std::unexpected(abi::take_error(err));
  }
  return {};
}

void TcpStream::close() {
  if (!open_) return;
  open_ = false;
  rapidbyte_connector_host_io_tcp_close(handle_);
}

}  // namespace rapidbyte::sdk
