// SPDX-License-Identifier: MIT
#include "child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace steamsim::test {
namespace {

void closeFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::vector<std::string> mergedEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> result;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string text(*entry);
    auto name = text.substr(0, text.find('='));
    if (!extra.contains(name)) result.push_back(text);
  }
  for (const auto& [name, value] : extra) result.push_back(name + "=" + value);
  return result;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (auto& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

}  // namespace

ChildProcess::ChildProcess(std::vector<std::string> argv,
                           const std::map<std::string, std::string>& environment) {
  std::array<int, 2> out_pipe{};
  std::array<int, 2> err_pipe{};
  if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0 || ::pipe2(err_pipe.data(), O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  auto env = mergedEnvironment(environment);
  auto env_pointers = pointers(env);
  auto arg_pointers = pointers(argv);
  int rc = ::posix_spawn(&pid_, arg_pointers[0], &actions, nullptr, arg_pointers.data(),
                         env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  if (rc != 0) {
    closeFd(out_fd_);
    closeFd(err_fd_);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
}

ChildProcess::~ChildProcess() {
  if (!exited_ && pid_ > 0) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  closeFd(out_fd_);
  closeFd(err_fd_);
}

bool ChildProcess::pump(Clock::time_point deadline) {
  std::array<pollfd, 2> fds{pollfd{out_fd_, POLLIN, 0}, pollfd{err_fd_, POLLIN, 0}};
  if (out_fd_ < 0 && err_fd_ < 0) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  int timeout = static_cast<int>(std::max<std::int64_t>(0, left.count()));
  int ready = ::poll(fds.data(), fds.size(), timeout);
  if (ready < 0 && errno != EINTR) return false;
  std::array<char, 65536> buffer{};
  for (std::size_t i = 0; i < fds.size(); ++i) {
    if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    auto n = ::read(fds[i].fd, buffer.data(), buffer.size());
    if (n > 0) {
      (i == 0 ? out_ : err_).append(buffer.data(), static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      closeFd(i == 0 ? out_fd_ : err_fd_);
    }
  }
  return out_fd_ >= 0 || err_fd_ >= 0;
}

bool ChildProcess::readUntil(const std::function<bool(const std::string&)>& done,
                             Clock::time_point deadline) {
  while (!done(out_)) {
    if (Clock::now() >= deadline) return false;
    if (!pump(deadline)) return done(out_);
  }
  return true;
}

bool ChildProcess::waitForLine(const std::string& prefix, Clock::time_point deadline) {
  return readUntil(
      [&](const std::string& text) {
        for (const auto& line : linesStartingWith(text, prefix)) {
          (void)line;
          return true;
        }
        return false;
      },
      deadline);
}

int ChildProcess::waitForExit(Clock::time_point deadline) {
  while (Clock::now() < deadline && pump(deadline)) {
  }
  if (out_fd_ >= 0 || err_fd_ >= 0) {  // still writing at the deadline
    ::kill(pid_, SIGKILL);
    reap(true);
    return -1;
  }
  // Both pipes closed: the child is exiting. Wait on its pidfd, bounded by the deadline.
  reap(false);
  if (!exited_) {
    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd >= 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd fd{pidfd, POLLIN, 0};
      ::poll(&fd, 1, static_cast<int>(std::max<std::int64_t>(0, left.count())));
      ::close(pidfd);
    }
    reap(false);
  }
  if (!exited_) {
    ::kill(pid_, SIGKILL);
    reap(true);
    return -1;
  }
  return terminating_signal_ != 0 ? -1 : status_;
}

void ChildProcess::signal(int signal_number) {
  if (!exited_ && pid_ > 0) ::kill(pid_, signal_number);
}

void ChildProcess::reap(bool block) {
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r != pid_) return;
  exited_ = true;
  if (WIFEXITED(status)) status_ = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) terminating_signal_ = WTERMSIG(status);
}

std::vector<std::string> linesStartingWith(const std::string& text, const std::string& prefix) {
  std::vector<std::string> result;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) break;  // only complete lines
    if (text.compare(start, prefix.size(), prefix) == 0)
      result.push_back(text.substr(start + prefix.size(), end - start - prefix.size()));
    start = end + 1;
  }
  return result;
}

}  // namespace steamsim::test
