#include "shard.hpp"

#include <charconv>

namespace steamsim::cli {

namespace {

constexpr std::size_t kMaxShards = 1000000;

std::optional<std::size_t> number(std::string_view text) {
  std::size_t value = 0;
  if (text.empty() || text.size() > 7) return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<Shard> parseShard(std::string_view text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto k = number(text.substr(0, slash));
  const auto n = number(text.substr(slash + 1));
  if (!k || !n || *n == 0 || *n > kMaxShards || *k == 0 || *k > *n) return std::nullopt;
  return Shard{*k, *n};
}

std::string shardProblem(const std::string& text) {
  if (parseShard(text)) return {};
  return "expected K/N with 1 <= K <= N <= " + std::to_string(kMaxShards) + " (e.g. 2/4), got \"" +
         text + "\"";
}

}  // namespace steamsim::cli
