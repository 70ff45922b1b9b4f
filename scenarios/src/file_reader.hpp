// SPDX-License-Identifier: MIT
#pragma once
// Reading a scenario file's bytes safely: only regular files, only up to a size cap, never
// blocking on a FIFO or reading a device without end.

#include <cstdint>
#include <filesystem>
#include <string>

namespace steamsim::scenario::detail {

/// Reads the file at `path` into `text`. \return empty on success, otherwise why it was
/// not read ("cannot read the file: ...").
std::string readScenarioBytes(const std::filesystem::path& path, std::uint64_t max_bytes,
                              std::string& text);

}  // namespace steamsim::scenario::detail
