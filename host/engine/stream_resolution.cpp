#include "host/engine/stream_resolution.hpp"

#include <algorithm>
#include <string>

#include "host/engine/closest_name.hpp"
#include "portable/base/join.hpp"
#include "portable/protocol/mode_names.hpp"

namespace rapidbyte::engine {

namespace {

namespace p = rapidbyte::protocol;

// "<namespace>.<name>", unless the name is qualified already.
std::string qualified_name(const p::CatalogStream& stream) {
  if (!stream.namespace_ || stream.name.find('.') != std::string::npos) return stream.name;
  return *stream.namespace_ + "." + stream.name;
}

std::vector<std::string> stream_names(const p::Catalog& catalog) {
  std::vector<std::string> names;
  for (const p::CatalogStream& s : catalog.streams) {
    names.push_back(s.name);
    if (qualified_name(s) != s.name) names.push_back(qualified_name(s));
  }
  return names;
}

std::vector<std::string> column_names(const p::CatalogStream& stream) {
  std::vector<std::string> names;
  names.reserve(stream.columns.size());
  for (const p::CatalogColumn& c : stream.columns) names.push_back(c.name);
  return names;
}

const p::CatalogColumn* find_column(const p::CatalogStream& stream, const std::string& name) {
  auto it = std::ranges::find(stream.columns, name, &p::CatalogColumn::name);
  return it == stream.columns.end() ? nullptr : &*it;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::ranges::find(names, name) != names.end();
}

// Collects the problems of one stream.
class StreamProblems {
 public:
  StreamProblems(const StreamConfig& stream, const p::CatalogStream& found)
      : stream_(stream), found_(found), columns_(column_names(found)) {}

  void check_columns() {
    for (const std::string& column : stream_.columns) {
      if (!find_column(found_, column)) {
        add("columns", "no column '" + column + "'" + did_you_mean(column, columns_));
      }
    }
  }

  void check_sync_mode() {
    const auto& offered = found_.sync_modes;
    if (offered.empty() || std::ranges::find(offered, stream_.sync_mode) != offered.end()) return;
    std::vector<std::string> names;
    names.reserve(offered.size());
    for (p::SyncMode m : offered) names.emplace_back(p::mode_name(m));
    add("sync_mode", "the source does not offer sync_mode " +
                         std::string(p::mode_name(stream_.sync_mode)) +
                         " for this stream (it offers " + join(names) + ")");
  }

  void check_cursor() {
    if (stream_.sync_mode != p::SyncMode::kIncremental || !stream_.cursor_field) return;
    const std::string& cursor = *stream_.cursor_field;
    const p::CatalogColumn* column = find_column(found_, cursor);
    if (!column) {
      add("cursor_field", "no column '" + cursor + "'" + did_you_mean(cursor, columns_));
      return;
    }
    // A source that names no candidates does not say which types order.
    // (The cursor need not be selected: a source always reads it.)
    const auto& candidates = found_.cursor_candidates;
    if (!candidates.empty() && !contains(candidates, cursor)) {
      const bool same = column->source_type == column->arrow_type;
      add("cursor_field",
          "column '" + cursor + "' has type " + column->arrow_type +
              (same ? "" : " (" + column->source_type + ")") +
              ", which cannot order an incremental read; columns that can: " + join(candidates));
    }
  }

  void check_key(const std::vector<std::string>& key, p::WriteMode write_mode) {
    for (const std::string& column : key) {
      if (!find_column(found_, column)) {
        add("primary_key", "no column '" + column + "'" + did_you_mean(column, columns_));
      } else if (!stream_.columns.empty() && !contains(stream_.columns, column)) {
        add("primary_key", "column '" + column + "' is not among the stream's selected columns");
      }
    }
    if (write_mode != p::WriteMode::kUpsert || !key.empty()) return;
    add("primary_key",
        "write_mode upsert needs a primary_key; " +
            (found_.primary_key.empty()
                 ? std::string("the source table has none either, so name the columns that "
                               "identify a row")
                 : "the source table's is [" + join(found_.primary_key) + "]: add primary_key: [" +
                       join(found_.primary_key) + "]"));
  }

  void add(std::string check, std::string message) {
    lines_.push_back(
        {"stream " + stream_.name, std::move(check), p::CheckStatus::kFailed, std::move(message)});
  }

  std::vector<CheckLine> take_lines() && { return std::move(lines_); }

 private:
  const StreamConfig& stream_;
  const p::CatalogStream& found_;
  std::vector<std::string> columns_;
  std::vector<CheckLine> lines_;
};

}  // namespace

const p::CatalogStream* find_catalog_stream(const p::Catalog& catalog, const std::string& name) {
  for (const p::CatalogStream& s : catalog.streams) {
    if (s.name == name || qualified_name(s) == name) return &s;
  }
  return nullptr;
}

std::vector<CheckLine> resolve_streams(const PipelineConfig& pipeline, const p::Catalog& catalog) {
  std::vector<CheckLine> lines;
  const std::vector<std::string> names = stream_names(catalog);
  for (const StreamConfig& stream : pipeline.streams) {
    const p::CatalogStream* found = find_catalog_stream(catalog, stream.name);
    if (!found) {
      lines.push_back(
          {"stream " + stream.name, "exists", p::CheckStatus::kFailed,
           "the source has no stream '" + stream.name + "'" + did_you_mean(stream.name, names)});
      continue;
    }
    StreamProblems problems(stream, *found);
    problems.check_columns();
    problems.check_sync_mode();
    problems.check_cursor();
    problems.check_key(primary_key_of(pipeline, stream), write_mode_of(pipeline, stream));
    std::vector<CheckLine> found_lines = std::move(problems).take_lines();
    if (found_lines.empty()) {
      const size_t selected =
          stream.columns.empty() ? found->columns.size() : stream.columns.size();
      found_lines.push_back({"stream " + stream.name, "catalog", p::CheckStatus::kPassed,
                             std::to_string(selected) + " of " +
                                 std::to_string(found->columns.size()) + " columns, " +
                                 std::string(p::mode_name(stream.sync_mode))});
    }
    lines.insert(lines.end(), found_lines.begin(), found_lines.end());
  }
  return lines;
}

bool matches_pattern(std::string_view pattern, std::string_view name) {
  // Backtracking to the last *: linear in practice for stream names.
  size_t p = 0;
  size_t n = 0;
  size_t star = std::string_view::npos;
  size_t resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::expected<PipelineConfig, std::string> expand_stream_patterns(PipelineConfig pipeline,
                                                                  const p::Catalog& catalog) {
  auto matches = [](const std::string& pattern, const p::CatalogStream& s) {
    return matches_pattern(pattern, s.name) || matches_pattern(pattern, qualified_name(s));
  };
  std::vector<StreamConfig> expanded;
  // Named explicitly in the file, or taken by an earlier pattern.
  auto taken = [&](const p::CatalogStream& s) {
    return std::ranges::any_of(pipeline.streams,
                               [&](const StreamConfig& c) {
                                 return !c.is_pattern() &&
                                        (c.name == s.name || c.name == qualified_name(s));
                               }) ||
           std::ranges::any_of(expanded, [&](const StreamConfig& c) { return c.name == s.name; });
  };
  for (const StreamConfig& stream : pipeline.streams) {
    if (!stream.is_pattern()) {
      expanded.push_back(stream);
      continue;
    }
    size_t found = 0;
    for (const p::CatalogStream& s : catalog.streams) {
      if (!matches(stream.name, s) || taken(s)) continue;
      if (std::ranges::any_of(stream.exclude, [&](const auto& e) { return matches(e, s); }))
        continue;
      StreamConfig one = stream;
      one.name = s.name;
      one.exclude.clear();
      expanded.push_back(std::move(one));
      ++found;
    }
    if (found == 0) {
      return std::unexpected("stream pattern '" + stream.name +
                             "' matches no stream of the source that is not named or excluded "
                             "already (the source has " +
                             std::to_string(catalog.streams.size()) + " streams)");
    }
  }
  pipeline.streams = std::move(expanded);
  return pipeline;
}

}  // namespace rapidbyte::engine
