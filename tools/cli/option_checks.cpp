// SPDX-License-Identifier: MIT
// Option and output checks of steamsim run (see option_checks.hpp).

#include "option_checks.hpp"

#include <sys/resource.h>

#include <charconv>
#include <cstdint>

namespace steamsim::cli {

namespace fs = std::filesystem;

std::string seedProblem(const std::string& text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  const auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (digits && ec == std::errc() && stop == end) return {};
  return "expected an unsigned 64-bit integer (0..18446744073709551615), got \"" + text + "\"";
}

std::string fileNameProblem(const std::string& text) {
  return text.empty() ? std::string("expected a file name, got \"\"") : std::string();
}

namespace {

/// The path as the file system sees it (symbolic links and ".." resolved as far as it
/// exists), for comparing names that may differ in spelling.
fs::path canonicalForm(const fs::path& path) {
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? fs::absolute(path).lexically_normal() : resolved;
}

}  // namespace

std::vector<std::string> outputProblems(const RunCommandOptions& options,
                                        const std::vector<fs::path>& inputs) {
  struct Output {
    const char* flag;
    const std::string* name;
  };
  const Output outputs[] = {
      {"--junit", &options.junit}, {"--json", &options.json}, {"--trace", &options.trace}};
  std::vector<std::string> problems;
  std::vector<std::pair<const char*, fs::path>> seen;
  for (const Output& out : outputs) {
    if (out.name->empty()) continue;
    const fs::path path = canonicalForm(*out.name);
    for (const auto& [flag, other] : seen) {
      if (other == path) {
        problems.push_back(std::string(out.flag) + ": " + *out.name + " is also the " + flag +
                           " file; one would overwrite the other");
      }
    }
    for (const fs::path& input : inputs) {
      if (canonicalForm(input) == path) {
        problems.push_back(std::string(out.flag) + ": " + *out.name +
                           " is a scenario file of this run; writing it would destroy it");
        break;
      }
    }
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      problems.push_back(std::string(out.flag) + ": " + *out.name + " is a folder");
    }
    seen.emplace_back(out.flag, path);
  }
  return problems;
}

void raiseOpenFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  (void)::setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace steamsim::cli
