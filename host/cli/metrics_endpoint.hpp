// `run --metrics-listen HOST:PORT`: serves GET /metrics in the Prometheus
// text format (prometheus_metrics) while the run lasts, for a long-running
// cdc pipeline watched by a scraper. Built on cpp-httplib.
#pragma once

#include <expected>
#include <memory>
#include <string>
#include <thread>

#include "host/engine/run_progress.hpp"

namespace httplib {
class Server;
}

namespace rapidbyte::cli {

class MetricsEndpoint {
 public:
  // Binds `listen` ("127.0.0.1:9464", or "[::1]:9464") and serves from a
  // thread of its own; an error names the address and why it cannot be
  // bound. REQUIRES: `progress` outlives the endpoint.
  static std::expected<std::unique_ptr<MetricsEndpoint>, std::string> start(
      const std::string& listen, const engine::RunProgress& progress, std::string pipeline);
  // Stops serving (a scrape under way finishes first).
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

 private:
  MetricsEndpoint();

  std::unique_ptr<httplib::Server> server_;
  std::thread serving_;
};

}  // namespace rapidbyte::cli
