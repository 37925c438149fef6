// How the CLI shows things: the run summary as text or JSON, the connector
// table, the version line.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "host/engine/pipeline_probe.hpp"
#include "host/engine/run_report.hpp"
#include "host/runtime/connector_module.hpp"

namespace rapidbyte::cli {

std::string version_string();
// 1536 -> "1.5 KiB".
std::string human_bytes(uint64_t bytes);
std::string report_text(const engine::RunReport& report);
std::string report_json(const engine::RunReport& report);
std::string check_text(const std::vector<engine::CheckLine>& lines);
std::string catalog_text(const protocol::Catalog& catalog);
std::string catalog_json(const protocol::Catalog& catalog);
std::string connectors_table(
    const std::vector<std::shared_ptr<const runtime::ConnectorModule>>& modules);

}  // namespace rapidbyte::cli
