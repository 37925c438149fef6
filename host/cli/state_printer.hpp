// How the CLI shows what a pipeline keeps: its state (`state show`), its run
// history (`runs`) and its dead letters (`dlq`), as text tables for people
// and JSON for programs.
#pragma once

#include <string>
#include <vector>

#include "host/engine/pipeline_state.hpp"
#include "host/engine/state/state_backend.hpp"

namespace rapidbyte::cli {

std::string state_text(const engine::PipelineState& state);
std::string state_json(const engine::PipelineState& state);

std::string runs_text(const std::vector<engine::RunRecord>& runs);
std::string runs_json(const std::vector<engine::RunRecord>& runs);

std::string dead_letters_text(const std::vector<engine::DlqEntry>& entries);
// One JSON object per line: id, run_id, stream, created_at, error {code,
// category, message} and the record itself (as JSON, not as a string).
std::string dead_letters_json_lines(const std::vector<engine::DlqEntry>& entries);

// "2026-12-05T10:00:00Z" to "2026-12-05T10:02:30Z": "2m30s"; empty when
// either is missing or malformed.
std::string elapsed_between(const std::string& started_at, const std::string& finished_at);

}  // namespace rapidbyte::cli
