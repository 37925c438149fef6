// What the live progress display shows, as plain lines: one per stream and
// a total, each cut to the terminal's width. Pure (no terminal), so every
// width is tested directly.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "host/engine/run_progress.hpp"

namespace rapidbyte::cli {

// The lines of one frame after `elapsed`, none longer than `width - 1`
// columns (a line filling the last column would make the terminal wrap).
// Per stream: phase, rows and bytes so far (as the source emits them),
// rows/s, and, when the source estimated its rows, the percentage and the
// time left; cdc lag and retry attempts when there are any. Then a total
// with the elapsed time.
std::vector<std::string> progress_frame(const engine::RunProgress& progress,
                                        std::chrono::duration<double> elapsed, size_t width);

// `line` cut to at most `columns` code points (UTF-8 aware).
std::string fit_to_width(const std::string& line, size_t columns);

}  // namespace rapidbyte::cli
