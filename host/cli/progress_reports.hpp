// A run's progress for machines: JSON lines for a scheduler reading the
// run's stderr (`run --progress json`), and the Prometheus text format for
// a scraper (`run --metrics-listen`). Pure functions of RunProgress.
#pragma once

#include <chrono>
#include <string>

#include "host/engine/run_progress.hpp"

namespace rapidbyte::cli {

// One JSON line per stream:
//   {"event":"progress","pipeline":"p","stream":"s","phase":"running",
//    "rows":120000,"bytes":8388608,"records_checkpointed":100000,
//    "estimated_rows":1000000,"attempt":1,"elapsed_seconds":1.25}
// estimated_rows, lag_bytes and lag_seconds only when the source reports them.
std::string progress_json_lines(const engine::RunProgress& progress, const std::string& pipeline,
                                std::chrono::duration<double> elapsed);

// The Prometheus text exposition (version 0.0.4) of the run: per stream
// rows, bytes, checkpointed records (counters), estimated rows, cdc lag,
// attempt and phase (gauges), labelled pipeline and stream; and the run's
// elapsed seconds.
std::string prometheus_metrics(const engine::RunProgress& progress, const std::string& pipeline,
                               std::chrono::duration<double> elapsed);

}  // namespace rapidbyte::cli
