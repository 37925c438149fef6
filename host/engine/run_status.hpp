// How a run ended, as the run history records it and the CLI reports it.
#pragma once

#include <string_view>

namespace rapidbyte::engine {

// kAbandoned: the run's process ended without recording an outcome (it was
// killed); found by the next run of the pipeline.
enum class RunStatus { kRunning, kSucceeded, kFailed, kPartial, kCancelled, kAbandoned };

// The name a status is recorded and reported under: "running", "succeeded",
// "failed", "partial", "cancelled", "abandoned".
std::string_view run_status_name(RunStatus status);
// The status named `name`; kRunning for a name this version does not know.
RunStatus run_status_from_name(std::string_view name);

}  // namespace rapidbyte::engine
