#pragma once
/// \file
/// The scenario model: what a scenario file says, validated and with every name resolved.
/// `loadScenarioFile` builds it; `runScenario` executes it; `toJson` writes it back.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "steamsim/link_conditions.hpp"
#include "steamsim/network_config.hpp"
#include "steamsim/types.hpp"

namespace steamsim::scenario {

/// A position in a file, both 1-based (columns count characters); 0 when unknown.
struct SourcePos {
  int line = 0;
  int column = 0;
  friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

/// Where a model element came from: its JSON pointer and position. Never affects equality,
/// so a scenario equals its own round trip through `toJson`.
struct Origin {
  std::string pointer;  ///< JSON pointer, e.g. "/expect/2"
  SourcePos pos;        ///< position of the element's value
  friend bool operator==(const Origin&, const Origin&) { return true; }
};

/// What a peer's game loop does with a session request.
enum class AcceptPolicy {
  Auto,    ///< accepts from inside the session-request handler (default)
  Manual,  ///< only timeline `accept` actions accept
  Ignore,  ///< never accepts (timeline `accept` is rejected by validation)
};

struct PeerSpec {
  std::string name;  ///< the key in `peers`
  SteamId steam_id = 0;
  AcceptPolicy accept = AcceptPolicy::Auto;
  /// Period of the peer's game loop (callbacks, draining every channel), milliseconds.
  int poll_ms = 16;
  /// false: the game loop does not read messages (they stay queued) until a timeline
  /// `reading: true` action.
  bool reading = true;
  /// true: another process plays this peer: it attaches to `steamsim serve --scenario` as
  /// this Steam ID; the runner runs no game loop for it (see RunOptions::external).
  bool external = false;
  Origin origin;
  friend bool operator==(const PeerSpec&, const PeerSpec&) = default;
};

/// The LinkConditions fields one link rule sets; unset fields keep their current value.
struct LinkPatch {
  /// Start from LinkConditions' defaults before applying the fields below.
  bool reset = false;
  std::optional<bool> down;
  std::optional<double> rate_limit_bytes_per_s;
  std::optional<double> rate_limit_burst_bytes;
  std::optional<double> loss_pct;
  std::optional<double> burst_loss_pct;
  std::optional<double> burst_length_mean;
  std::optional<double> latency_ms;
  std::optional<double> jitter_ms;
  std::optional<bool> jitter_reorders;
  std::optional<double> reorder_pct;
  std::optional<double> reorder_ms;
  std::optional<double> duplicate_pct;
  std::optional<double> duplicate_ms;
  std::optional<double> corrupt_pct;

  /// Applies the set fields (after `reset`) to `conditions`.
  void applyTo(LinkConditions& conditions) const;
  /// true if no field is set and `reset` is false.
  bool empty() const;
  friend bool operator==(const LinkPatch&, const LinkPatch&) = default;
};

/// One entry of `links` (or of a timeline `links` change).
struct LinkRule {
  std::string from = "*";  ///< peer name or "*"
  std::string to = "*";    ///< peer name or "*"
  /// Written as `between: [from, to]`: the rule applies in both directions.
  bool both_directions = false;
  LinkPatch patch;
  Origin origin;

  /// true if this rule applies to the directed link `from_name -> to_name`.
  bool matches(std::string_view from_name, std::string_view to_name) const;
  friend bool operator==(const LinkRule&, const LinkRule&) = default;
};

/// A remote Steam ID named in an action or expectation: a peer of the scenario, or a bare
/// Steam ID (which may belong to nobody, or be 0).
struct Target {
  std::string peer;  ///< peer name; empty for a bare Steam ID
  SteamId steam_id = 0;
  /// The peer name, or the Steam ID as text.
  std::string label() const;
  friend bool operator==(const Target&, const Target&) = default;
};

/// NetworkConfig fields a scenario overrides; unset ones keep Steam's defaults.
struct ConfigPatch {
  std::optional<std::int64_t> timeout_initial_ms;
  std::optional<std::int64_t> timeout_connected_ms;
  std::optional<std::int64_t> idle_timeout_ms;
  std::optional<std::int64_t> nagle_us;
  std::optional<std::int64_t> send_rate;
  std::optional<std::int64_t> send_buffer;
  std::optional<std::int64_t> broken_session_result;
  std::optional<std::int64_t> info_flags;
  std::optional<bool> embed_callbacks;
  std::optional<std::int64_t> max_unread_bytes;

  /// Applies the set fields to `config`.
  void applyTo(NetworkConfig& config) const;
  friend bool operator==(const ConfigPatch&, const ConfigPatch&) = default;
};

// ---- timeline -------------------------------------------------------------------------

/// `links`: more link rules, layered on the conditions in force.
struct LinksChange {
  std::vector<LinkRule> rules;
  friend bool operator==(const LinksChange&, const LinksChange&) = default;
};
/// `partition`: cuts every link between peers of different groups.
struct PartitionChange {
  std::vector<std::vector<std::string>> groups;  ///< peer names
  friend bool operator==(const PartitionChange&, const PartitionChange&) = default;
};
/// `heal: true`: removes the partition.
struct HealChange {
  friend bool operator==(const HealChange&, const HealChange&) = default;
};

/// `send`: the acting peer calls sendMessageToUser `count` times, `every_ms` apart.
struct SendAction {
  Target to;
  int channel = 0;
  int flags = NETWORKING_SEND_RELIABLE;  ///< NETWORKING_SEND_* bits
  /// Text payload; "{i}" is replaced by the message's index (0-based). Unset: `size`.
  std::optional<std::string> payload;
  /// Payload size in bytes when there is no text: a sequence number and a check pattern.
  int size = 0;
  int count = 1;
  double every_ms = 0.0;
  /// Result every send must return; unset: not checked.
  std::optional<int> expect_result;
  friend bool operator==(const SendAction&, const SendAction&) = default;
};
/// `accept`: acceptSessionWithUser(with).
struct AcceptAction {
  Target with;
  std::optional<bool> expect_result;  ///< what the call must return; unset: not checked
  friend bool operator==(const AcceptAction&, const AcceptAction&) = default;
};
/// `close_session`: closeSessionWithUser(with).
struct CloseSessionAction {
  Target with;
  std::optional<bool> expect_result;
  friend bool operator==(const CloseSessionAction&, const CloseSessionAction&) = default;
};
/// `close_channel`: closeChannelWithUser(with, channel).
struct CloseChannelAction {
  Target with;
  int channel = 0;
  std::optional<bool> expect_result;
  friend bool operator==(const CloseChannelAction&, const CloseChannelAction&) = default;
};
/// `crash: true`: the peer's process dies (socket, sessions and queues lost).
struct CrashAction {
  friend bool operator==(const CrashAction&, const CrashAction&) = default;
};
/// `restart: true`: a crashed peer comes back with no sessions.
struct RestartAction {
  friend bool operator==(const RestartAction&, const RestartAction&) = default;
};
/// `reading: bool`: the peer's game loop starts or stops reading messages.
struct ReadingAction {
  bool on = true;
  friend bool operator==(const ReadingAction&, const ReadingAction&) = default;
};

using TimelineAction =
    std::variant<LinksChange, PartitionChange, HealChange, SendAction, AcceptAction,
                 CloseSessionAction, CloseChannelAction, CrashAction, RestartAction, ReadingAction>;

struct TimelineEntry {
  double at_ms = 0.0;  ///< from the start of the run
  std::string peer;    ///< acting peer of a peer action; empty for network changes
  TimelineAction action;
  std::string description;
  Origin origin;
  friend bool operator==(const TimelineEntry&, const TimelineEntry&) = default;
};

// ---- expectations ---------------------------------------------------------------------

/// A count condition: `count` exactly, or within `min`..`max`. All unset means "at least 1".
struct CountSpec {
  std::optional<std::int64_t> exact;
  std::optional<std::int64_t> min;
  std::optional<std::int64_t> max;
  bool matches(std::int64_t n) const;
  /// "exactly 3", "at least 200", "between 1 and 5", "at least 1".
  std::string describe() const;
  friend bool operator==(const CountSpec&, const CountSpec&) = default;
};

/// `received`: messages the peer's game loop read.
struct ReceivedCheck {
  std::optional<Target> from;  ///< unset: any sender
  std::optional<int> channel;  ///< unset: any channel
  /// true: only messages received with flags 8 (reliable); false: only flags 0; unset: both.
  std::optional<bool> reliable;
  CountSpec count;
  bool in_order = false;  ///< each sender's messages in the order it sent them
  bool unique = false;    ///< no message read twice
  bool intact = false;    ///< every payload byte for byte as sent
  friend bool operator==(const ReceivedCheck&, const ReceivedCheck&) = default;
};

enum class SignalKind { SessionRequest, SessionFailed };

/// `signal`: signals delivered to the peer's handlers.
struct SignalCheck {
  SignalKind kind = SignalKind::SessionFailed;
  std::optional<Target> remote;
  std::vector<int> reasons;                  ///< any of these; empty: any (session_failed only)
  std::optional<int> connection_state;       ///< session_failed only
  std::optional<std::string> debug_message;  ///< session_failed only
  CountSpec count;
  friend bool operator==(const SignalCheck&, const SignalCheck&) = default;
};

/// A closed range of a real-time status field (`ping: [lo, hi]`, or one number).
struct StatusRange {
  std::string field;  ///< RealTimeStatus field name, e.g. "ping"
  double lo = 0.0;
  double hi = 0.0;
  friend bool operator==(const StatusRange&, const StatusRange&) = default;
};

/// `session`: what getSessionConnectionInfo(with) reports.
struct SessionCheck {
  Target with;
  std::optional<int> connection_state;
  std::vector<int> end_reasons;  ///< any of these; empty: not checked
  std::optional<std::string> end_debug;
  std::optional<int> info_flags;
  std::vector<StatusRange> status;  ///< in file order
  friend bool operator==(const SessionCheck&, const SessionCheck&) = default;
};

/// When an expectation is checked.
struct Timing {
  enum class Kind {
    End,      ///< no key: at the end of the run
    By,       ///< by_ms
    At,       ///< at_ms
    Between,  ///< between_ms
  };
  Kind kind = Kind::End;
  double lo_ms = 0.0;  ///< Between: start; By/At: unused
  double hi_ms = 0.0;  ///< By/At: the time; Between: end
  friend bool operator==(const Timing&, const Timing&) = default;
};

using Check = std::variant<ReceivedCheck, SignalCheck, SessionCheck>;

struct Expectation {
  std::string peer;  ///< whose view is checked
  Check check;
  Timing timing;
  std::string description;
  Origin origin;
  friend bool operator==(const Expectation&, const Expectation&) = default;
};

// ---- the scenario ---------------------------------------------------------------------

enum class ClockChoice { Virtual, Real };

struct Scenario {
  std::string file;  ///< path it was loaded from (label given to the loader)
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  double duration_ms = 0.0;
  ClockChoice clock = ClockChoice::Virtual;
  ConfigPatch config;
  std::vector<PeerSpec> peers;  ///< in file order
  std::vector<LinkRule> links;
  std::vector<TimelineEntry> timeline;  ///< in file order
  std::vector<Expectation> expectations;

  /// The peer called `name`, or nullptr.
  const PeerSpec* findPeer(std::string_view name) const;
  /// Every channel the scenario names (sends, closes, expectations), plus 0, ascending.
  std::vector<int> channels() const;
  /// The NetworkConfig of a run with `seed`.
  NetworkConfig networkConfig(std::uint64_t run_seed) const;

  friend bool operator==(const Scenario&, const Scenario&) = default;
};

}  // namespace steamsim::scenario
