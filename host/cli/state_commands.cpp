#include "host/cli/state_commands.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "host/cli/exit_codes.hpp"
#include "host/cli/session.hpp"
#include "host/cli/state_printer.hpp"
#include "host/engine/pipeline_state.hpp"

namespace rapidbyte::cli {
namespace {

// Dead letters are read and exported this many at a time, so that export
// holds one page in memory however many there are.
constexpr size_t kDeadLetterPage = 1000;

// Whether the operator agrees to `action`: --yes, or "y" typed on the
// terminal. Without a terminal to ask on (a script), only --yes.
bool confirmed(const std::string& action, bool yes) {
  if (yes) return true;
  if (!::isatty(STDIN_FILENO)) {
    std::cerr << "error: " << action
              << ": not confirmed (no terminal to ask on); pass --yes to confirm\n";
    return false;
  }
  std::cerr << action << "? [y/N] " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  if (answer == "y" || answer == "Y" || answer == "yes") return true;
  std::cerr << "nothing changed\n";
  return false;
}

std::string plural(size_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// "pipeline 'p'" or "stream 'public.users' of pipeline 'p'".
std::string subject(const engine::PipelineConfig& pipeline,
                    const std::optional<std::string>& stream) {
  const std::string of = "pipeline '" + pipeline.pipeline + "'";
  return stream ? "stream '" + *stream + "' of " + of : of;
}

std::string state_census(const engine::PipelineState& state) {
  return plural(state.cursors.size(), "cursor", "cursors") + " and " +
         plural(state.connector_state.size(), "connector state key", "connector state keys");
}

engine::DeadLetterQuery dead_letter_query(const StateSession& session,
                                          const StateCommandOptions& options) {
  return {session.pipeline.pipeline, options.stream};
}

int state_failed(engine::StateError error) {
  return engine_failed(engine::engine_error(std::move(error)));
}

}  // namespace

void add_state_commands(CLI::App& app, StateCommandOptions& options) {
  // A subcommand of `parent` that runs `command` on a pipeline file.
  auto command = [&](CLI::App* parent, const char* name, const char* help, StateCommand run) {
    CLI::App* sub = parent->add_subcommand(name, help);
    sub->add_option("pipeline", options.pipeline_path, "Pipeline YAML file")->required();
    sub->callback([&options, run] { options.command = run; });
    return sub;
  };
  auto stream_option = [&](CLI::App* sub) {
    sub->add_option("--stream", options.stream, "Only this stream's");
  };
  auto yes_flag = [&](CLI::App* sub) {
    sub->add_flag("-y,--yes", options.yes, "Do it without asking");
  };
  auto limit_option = [&](CLI::App* sub, const char* help) {
    sub->add_option("--limit", options.limit, help)->check(CLI::PositiveNumber);
  };

  auto* state = app.add_subcommand("state", "Show or reset what a pipeline keeps between runs");
  state->require_subcommand(1);
  auto* show = command(state, "show", "Print the cursors and connector state", state_show_command);
  stream_option(show);
  show->add_flag("--json", options.json, "Print them as JSON");
  auto* reset = command(state, "reset",
                        "Forget the cursors and connector state: the next run starts from "
                        "scratch",
                        state_reset_command);
  stream_option(reset);
  yes_flag(reset);

  auto* runs =
      command(&app, "runs", "Print the pipeline's run history, newest first", runs_command);
  limit_option(runs, "How many runs (default 20)");
  runs->add_flag("--json", options.json, "Print them as JSON");

  auto* dlq = app.add_subcommand("dlq", "List, count, export or purge the dead letters");
  dlq->require_subcommand(1);
  auto* list = command(dlq, "list", "Print the oldest dead letters", dlq_list_command);
  stream_option(list);
  limit_option(list, "How many (default 20)");
  list->add_flag("--json", options.json, "Print them as JSON lines");
  stream_option(command(dlq, "count", "Print how many dead letters there are", dlq_count_command));
  auto* exporting =
      command(dlq, "export", "Write every dead letter as a JSON line", dlq_export_command);
  stream_option(exporting);
  exporting->add_option("-o,--output", options.output, "File to write (default: stdout)");
  auto* purge = command(dlq, "purge", "Delete the dead letters", dlq_purge_command);
  stream_option(purge);
  yes_flag(purge);
}

int state_show_command(const StateCommandOptions& options) {
  auto session = open_state_session(options.pipeline_path);
  if (!session) return session.error();
  auto state = engine::read_pipeline_state(*session->state, session->pipeline, options.stream);
  if (!state) return engine_failed(state.error());
  std::cout << (options.json ? state_json(*state) + "\n" : state_text(*state));
  return kExitOk;
}

int state_reset_command(const StateCommandOptions& options) {
  auto session = open_state_session(options.pipeline_path);
  if (!session) return session.error();
  const std::string what = subject(session->pipeline, options.stream);
  auto state = engine::read_pipeline_state(*session->state, session->pipeline, options.stream);
  if (!state) return engine_failed(state.error());
  if (state->empty()) {
    std::cout << what << " has no state: nothing to reset\n";
    return kExitOk;
  }
  if (!confirmed(
          "forget " + state_census(*state) + " of " + what + " (its next run starts from scratch)",
          options.yes)) {
    return kExitUsage;
  }
  auto forgotten = engine::reset_pipeline_state(*session->state, session->pipeline, options.stream);
  if (!forgotten) return engine_failed(forgotten.error());
  std::cout << "reset " << what << ": forgot " << state_census(*forgotten)
            << "; its next run starts from scratch\n";
  return kExitOk;
}

int runs_command(const StateCommandOptions& options) {
  auto session = open_state_session(options.pipeline_path);
  if (!session) return session.error();
  auto runs = session->state->recent_runs(session->pipeline.pipeline, options.limit);
  if (!runs) return state_failed(runs.error());
  std::cout << (options.json ? runs_json(*runs) + "\n" : runs_text(*runs));
  return kExitOk;
}

int dlq_list_command(const StateCommandOptions& options) {
  auto session = open_state_session(options.pipeline_path);
  if (!session) return session.error();
  const auto query = dead_letter_query(*session, options);
  auto count = session->state->dead_letter_count(query);
  if (!count) return state_failed(count.error());
  auto entries = session->state->dead_letters(query, 0, options.limit);
  if (!entries) return state_failed(entries.error());
  if (options.json) {
    std::cout << dead_letters_json_lines(*entries);
    return kExitOk;
  }
  if (entries->empty()) {
    std::cout << "no dead letters for " << subject(session->pipeline, options.stream) << "\n";
    return kExitOk;
  }
  std::cout << dead_letters_text(*entries);
  if (entries->size() < *count) {
    std::cout << fmt::format(
        "the oldest {} of {}: `rapidbyte dlq export` writes them all as JSON lines\n",
        entries->size(), *count);
  }
  return kExitOk;
}

int dlq_count_command(const StateCommandOptions& options) {
  auto session = open_state_session(options.pipeline_path);
  if (!session) return session.error();
  auto count = session->state->dead_letter_count(dead_letter_query(*session, options));
  if (!count) return state_failed(count.error());
  std::cout << *count << "\n";
  return kExitOk;
}

int dlq_export_command(const StateCommandOptions& options) {
  auto session = open_state_session(options.pipeline_path);
  if (!session) return session.error();
  std::ofstream file;
  if (options.output != "-") {
    file.open(options.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "error: --output " << options.output << ": cannot open for writing\n";
      return kExitUsage;
    }
  }
  std::ostream& out = options.output == "-" ? std::cout : file;
  const auto query = dead_letter_query(*session, options);
  uint64_t exported = 0;
  for (int64_t after = 0;;) {
    auto page = session->state->dead_letters(query, after, kDeadLetterPage);
    if (!page) return state_failed(page.error());
    if (page->empty()) break;
    out << dead_letters_json_lines(*page);
    exported += page->size();
    after = page->back().id;
  }
  out.flush();
  if (!out) {
    std::cerr << "error: --output " << options.output << ": write failed\n";
    return kExitFailed;
  }
  if (options.output != "-") {
    std::cerr << "exported " << plural(exported, "dead letter", "dead letters") << " to "
              << options.output << "\n";
  }
  return kExitOk;
}

int dlq_purge_command(const StateCommandOptions& options) {
  auto session = open_state_session(options.pipeline_path);
  if (!session) return session.error();
  const auto query = dead_letter_query(*session, options);
  const std::string what = subject(session->pipeline, options.stream);
  auto count = session->state->dead_letter_count(query);
  if (!count) return state_failed(count.error());
  if (*count == 0) {
    std::cout << "no dead letters for " << what << ": nothing to purge\n";
    return kExitOk;
  }
  if (!confirmed("delete " + plural(*count, "dead letter", "dead letters") + " of " + what,
                 options.yes)) {
    return kExitUsage;
  }
  auto purged = session->state->purge_dead_letters(query);
  if (!purged) return state_failed(purged.error());
  std::cout << "purged " << plural(*purged, "dead letter", "dead letters") << " of " << what
            << "\n";
  return kExitOk;
}

}  // namespace rapidbyte::cli
