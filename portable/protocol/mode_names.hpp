// The names of the sync and write modes as pipelines, manifests and reports
// spell them: one table each, read by the config parser, the manifest
// parser and the report printer alike; and of run phases and roles.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

#include "portable/protocol/types.hpp"

namespace rapidbyte::protocol {

inline constexpr std::array<std::pair<std::string_view, SyncMode>, 3> kSyncModeNames{{
    {"full_refresh", SyncMode::kFullRefresh},
    {"incremental", SyncMode::kIncremental},
    {"cdc", SyncMode::kCdc},
}};

inline constexpr std::array<std::pair<std::string_view, WriteMode>, 3> kWriteModeNames{{
    {"append", WriteMode::kAppend},
    {"replace", WriteMode::kReplace},
    {"upsert", WriteMode::kUpsert},
}};

// Run phases and roles as errors and reports name them.
inline constexpr std::array<std::pair<std::string_view, RunPhase>, 7> kRunPhaseNames{{
    {"discover", RunPhase::kDiscover},
    {"read", RunPhase::kRead},
    {"write", RunPhase::kWrite},
    {"transform", RunPhase::kTransform},
    {"teardown", RunPhase::kTeardown},
    {"plan", RunPhase::kPlan},
    {"finalize", RunPhase::kFinalize},
}};

inline constexpr std::array<std::pair<std::string_view, ConnectorRole>, 3> kRoleNames{{
    {"source", ConnectorRole::kSource},
    {"destination", ConnectorRole::kDestination},
    {"transform", ConnectorRole::kTransform},
}};

// Error categories as the WIT spells them (dead-letter exports, reports).
inline constexpr std::array<std::pair<std::string_view, ErrorCategory>, 9> kErrorCategoryNames{{
    {"config", ErrorCategory::kConfig},
    {"auth", ErrorCategory::kAuth},
    {"permission", ErrorCategory::kPermission},
    {"rate-limit", ErrorCategory::kRateLimit},
    {"transient-network", ErrorCategory::kTransientNetwork},
    {"transient-db", ErrorCategory::kTransientDb},
    {"data", ErrorCategory::kData},
    {"schema", ErrorCategory::kSchema},
    {"internal", ErrorCategory::kInternal},
}};

namespace mode_names_detail {
template <class Mode, size_t N>
constexpr std::string_view name_in(const std::array<std::pair<std::string_view, Mode>, N>& names,
                                   Mode mode) {
  for (const auto& [name, value] : names) {
    if (value == mode) return name;
  }
  return "?";
}
template <class Mode, size_t N>
constexpr std::optional<Mode> mode_in(const std::array<std::pair<std::string_view, Mode>, N>& names,
                                      std::string_view name) {
  for (const auto& [n, value] : names) {
    if (n == name) return value;
  }
  return std::nullopt;
}
}  // namespace mode_names_detail

constexpr std::string_view mode_name(SyncMode mode) {
  return mode_names_detail::name_in(kSyncModeNames, mode);
}
constexpr std::string_view mode_name(WriteMode mode) {
  return mode_names_detail::name_in(kWriteModeNames, mode);
}
constexpr std::string_view phase_name(RunPhase phase) {
  return mode_names_detail::name_in(kRunPhaseNames, phase);
}
constexpr std::string_view role_name(ConnectorRole role) {
  return mode_names_detail::name_in(kRoleNames, role);
}
constexpr std::string_view category_name(ErrorCategory category) {
  return mode_names_detail::name_in(kErrorCategoryNames, category);
}
constexpr std::optional<SyncMode> sync_mode_named(std::string_view name) {
  return mode_names_detail::mode_in(kSyncModeNames, name);
}
constexpr std::optional<WriteMode> write_mode_named(std::string_view name) {
  return mode_names_detail::mode_in(kWriteModeNames, name);
}

}  // namespace rapidbyte::protocol
