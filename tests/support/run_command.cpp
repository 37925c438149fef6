#include "tests/support/run_command.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace rapidbyte::test {
namespace {

std::string join(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, const std::string& run_as_user) {
  std::vector<std::string> full;
  if (!run_as_user.empty()) full = {"runuser", "-u", run_as_user, "--"};
  full.insert(full.end(), argv.begin(), argv.end());

  std::vector<char*> cargv;
  for (std::string& a : full) cargv.push_back(a.data());
  cargv.push_back(nullptr);

  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe: " + std::string(std::strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[1]);
  if (rc != 0) {
    close(pipe_fds[0]);
    throw std::runtime_error("cannot start " + join(full) + ": " + std::strerror(rc));
  }

  CommandResult result;
  std::array<char, 4096> buf;
  for (;;) {
    const ssize_t n = read(pipe_fds[0], buf.data(), buf.size());
    if (n > 0) {
      result.output.append(buf.data(), static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  rusage usage{};
  while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  result.peak_rss_kib = usage.ru_maxrss;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string run_command_checked(const std::vector<std::string>& argv,
                                const std::string& run_as_user) {
  CommandResult r = run_command(argv, run_as_user);
  if (r.exit_code != 0) {
    throw std::runtime_error(join(argv) + " exited with " + std::to_string(r.exit_code) + ":\n" +
                             r.output);
  }
  return r.output;
}

}  // namespace rapidbyte::test
