// SPDX-License-Identifier: MIT
// Scenario file reading: open without blocking, check the kind and size of what was opened
// (not of what the name pointed at a moment earlier), then read at most the cap.

#include "file_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace steamsim::scenario::detail {

namespace {

const char* kindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a named pipe (FIFO)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string readScenarioBytes(const std::filesystem::path& path, std::uint64_t max_bytes,
                              std::string& text) {
  const std::string prefix = "cannot read the file: ";
  // O_NONBLOCK: opening a FIFO with no writer must not wait for one.
  const Fd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) return "cannot read the file";
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return prefix + std::strerror(errno);
  if (!S_ISREG(info.st_mode)) {
    return prefix + "expected a regular file, got " + kindOf(info.st_mode);
  }
  const auto size = static_cast<std::uint64_t>(info.st_size);
  const std::string cap =
      "expected a scenario file of at most " + std::to_string(max_bytes) + " bytes, got ";
  if (size > max_bytes) return prefix + cap + std::to_string(size) + " bytes";
  text.clear();
  text.reserve(static_cast<std::size_t>(size));
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return prefix + std::strerror(errno);
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > max_bytes) return prefix + cap + "more (it grew while being read)";
  }
  return {};
}

}  // namespace steamsim::scenario::detail
