// SPDX-License-Identifier: MIT
// Standalone replay for a fuzz target built without libFuzzer: runs every file of the given
// directories (or files) through LLVMFuzzerTestOneInput. With no arguments it replays the
// committed seed corpus the build points it at (STEAMSIM_FUZZ_CORPUS). A failed invariant
// aborts, so CTest sees a crash.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

int replayFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    return 1;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());  // exact size: ASan sees overruns
  LLVMFuzzerTestOneInput(copy.data(), copy.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> roots;
  for (int i = 1; i < argc; ++i) roots.emplace_back(argv[i]);
  if (roots.empty()) roots.emplace_back(STEAMSIM_FUZZ_CORPUS);
  int files = 0;
  for (const auto& root : roots) {
    if (std::filesystem::is_directory(root)) {
      std::vector<std::filesystem::path> paths;
      for (const auto& entry : std::filesystem::directory_iterator(root)) {
        if (entry.is_regular_file()) paths.push_back(entry.path());
      }
      std::sort(paths.begin(), paths.end());
      for (const auto& path : paths) {
        if (replayFile(path) != 0) return 1;
        ++files;
      }
    } else {
      if (replayFile(root) != 0) return 1;
      ++files;
    }
  }
  std::cout << "replayed " << files << " inputs\n";
  return files > 0 ? 0 : 1;  // an empty corpus is a mistake
}
