#include "host/cli/metrics_endpoint.hpp"

#include <httplib.h>

#include <charconv>

#include "host/cli/progress_reports.hpp"

namespace rapidbyte::cli {

MetricsEndpoint::MetricsEndpoint() : server_(std::make_unique<httplib::Server>()) {}

MetricsEndpoint::~MetricsEndpoint() {
  server_->stop();
  if (serving_.joinable()) serving_.join();
}

std::expected<std::unique_ptr<MetricsEndpoint>, std::string> MetricsEndpoint::start(
    const std::string& listen, const engine::RunProgress& progress, std::string pipeline) {
  const size_t colon = listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port);
  }
  std::string host = colon == std::string::npos ? "" : listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty() || port < 1 || port > 65535) {
    return std::unexpected("--metrics-listen: expected HOST:PORT such as 127.0.0.1:9464, got '" +
                           listen + "'");
  }
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint());
  endpoint->server_->Get("/metrics", [&progress, pipeline = std::move(pipeline)](
                                         const httplib::Request&, httplib::Response& response) {
    response.set_content(prometheus_metrics(progress, pipeline,
                                            std::chrono::steady_clock::now() - progress.started()),
                         "text/plain; version=0.0.4; charset=utf-8");
  });
  if (!endpoint->server_->bind_to_port(host, port)) {
    return std::unexpected("--metrics-listen: cannot listen on " + listen +
                           " (in use, or not an address of this machine)");
  }
  endpoint->serving_ =
      std::thread([server = endpoint->server_.get()] { server->listen_after_bind(); });
  return endpoint;
}

}  // namespace rapidbyte::cli
