#include "doc_paths.hpp"

#include <filesystem>
#include <system_error>

namespace steamsim::cli {

namespace {

namespace fs = std::filesystem;

fs::path executable(const char* argv0) {
  std::error_code error;
  fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (error && argv0 != nullptr) self = fs::absolute(argv0, error);
  return self;
}

bool isFile(const fs::path& path) {
  std::error_code error;
  return fs::is_regular_file(path, error);
}

}  // namespace

std::string documentationLine(const char* argv0) {
  const fs::path prefix = executable(argv0).parent_path().parent_path();
  // Installed: <prefix>/bin/steamsim.
  const fs::path installed_doc = prefix / "share/doc/steamsim/scenarios.md";
  const fs::path installed_schema = prefix / "share/steamsim/scenarios/schema/scenario.schema.json";
  if (isFile(installed_doc) && isFile(installed_schema)) {
    return "Scenario format: " + installed_doc.string() + "\nJSON Schema: " +
           installed_schema.string();
  }
#ifdef STEAMSIM_SOURCE_DIR
  const fs::path source = STEAMSIM_SOURCE_DIR;
  const fs::path source_doc = source / "scenarios/README.md";
  const fs::path source_schema = source / "scenarios/schema/scenario.schema.json";
  if (isFile(source_doc) && isFile(source_schema)) {
    return "Scenario format: " + source_doc.string() + "\nJSON Schema: " + source_schema.string();
  }
#endif
  return "Scenario format: scenarios/README.md in steamsim's source (installed as "
         "share/doc/steamsim/scenarios.md)";
}

}  // namespace steamsim::cli
