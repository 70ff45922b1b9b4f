// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Identifiers, result codes, connection states, end reasons and send flags of the
/// Steam Networking Messages API. Every numeric value equals Valve's, so
/// `static_cast<int>(x)` gives what GodotSteam returns to a script.

#include <cstdint>
#include <iosfwd>
#include <string_view>

namespace steamsim {

/// A 64-bit Steam ID. 0 is invalid.
using SteamId = std::uint64_t;

/// EResult (steamclientpublic.h), the values this API can produce and their neighbours.
enum class Result : int {
  None = 0,
  OK = 1,
  Fail = 2,
  NoConnection = 3,
  InvalidPassword = 5,
  LoggedInElsewhere = 6,
  InvalidProtocolVer = 7,
  InvalidParam = 8,
  FileNotFound = 9,
  Busy = 10,
  InvalidState = 11,
  InvalidName = 12,
  InvalidEmail = 13,
  DuplicateName = 14,
  AccessDenied = 15,
  Timeout = 16,
  Banned = 17,
  AccountNotFound = 18,
  InvalidSteamID = 19,
  ServiceUnavailable = 20,
  NotLoggedOn = 21,
  Pending = 22,
  EncryptionFailure = 23,
  InsufficientPrivilege = 24,
  LimitExceeded = 25,
  Revoked = 26,
  Expired = 27,
  AlreadyRedeemed = 28,
  DuplicateRequest = 29,
  AlreadyOwned = 30,
  IPNotFound = 31,
  PersistFailed = 32,
  LockingFailed = 33,
  LogonSessionReplaced = 34,
  ConnectFailed = 35,
  HandshakeFailed = 36,
  IOFailure = 37,
  RemoteDisconnect = 38,
  ShoppingCartNotFound = 39,
  Blocked = 40,
  Ignored = 41,
  NoMatch = 42,
  AccountDisabled = 43,
  ServiceReadOnly = 44,
  AccountNotFeatured = 45,
  AdministratorOK = 46,
  ContentVersion = 47,
  TryAnotherCM = 48,
  PasswordRequiredToKickSession = 49,
  AlreadyLoggedInElsewhere = 50,
  Suspended = 51,
  Cancelled = 52,
  DataCorruption = 53,
  DiskFull = 54,
  RemoteCallFailed = 55,
};

/// ESteamNetworkingConnectionState. The API reports the negative internal states as None.
enum class ConnectionState : int {
  None = 0,
  Connecting = 1,
  FindingRoute = 2,
  Connected = 3,
  ClosedByPeer = 4,
  ProblemDetectedLocally = 5,
  FinWait = -1,
  Linger = -2,
  Dead = -3,
};

/// ESteamNetConnectionEnd, every value of the SDK, plus the two private codes of the
/// Messages layer (1001, 1002).
enum class ConnectionEnd : int {
  Invalid = 0,

  App_Min = 1000,
  App_Generic = 1000,
  P2PSessionClosed = 1001,       ///< CloseSessionWithUser / last channel closed / destroyed
  P2PSessionIdleTimeout = 1002,  ///< 180 s without use
  App_Max = 1999,

  AppException_Min = 2000,
  AppException_Generic = 2000,
  AppException_Max = 2999,

  Local_Min = 3000,
  Local_OfflineMode = 3001,
  Local_ManyRelayConnectivity = 3002,
  Local_HostedServerPrimaryRelay = 3003,
  Local_NetworkConfig = 3004,
  Local_Rights = 3005,
  Local_P2P_ICE_NoPublicAddresses = 3006,
  Local_Max = 3999,

  Remote_Min = 4000,
  Remote_Timeout = 4001,
  Remote_BadCrypt = 4002,
  Remote_BadCert = 4003,
  Remote_BadProtocolVersion = 4006,
  Remote_P2P_ICE_NoPublicAddresses = 4007,
  Remote_Max = 4999,

  Misc_Min = 5000,
  Misc_Generic = 5001,
  Misc_InternalError = 5002,
  Misc_Timeout = 5003,
  Misc_SteamConnectivity = 5005,
  Misc_NoRelaySessionsToClient = 5006,
  Misc_P2P_Rendezvous = 5008,
  Misc_P2P_NAT_Firewall = 5009,
  Misc_PeerSentNoConnection = 5010,
  Misc_Max = 5999,
};

// Send flags: plain int bits, combined with `|`, exactly as GodotSteam binds them.
inline constexpr int NETWORKING_SEND_UNRELIABLE = 0;
inline constexpr int NETWORKING_SEND_NO_NAGLE = 1;
inline constexpr int NETWORKING_SEND_UNRELIABLE_NO_NAGLE = 1;
inline constexpr int NETWORKING_SEND_NO_DELAY = 4;
inline constexpr int NETWORKING_SEND_UNRELIABLE_NO_DELAY = 5;
inline constexpr int NETWORKING_SEND_RELIABLE = 8;
inline constexpr int NETWORKING_SEND_RELIABLE_NO_NAGLE = 9;
inline constexpr int NETWORKING_SEND_USE_CURRENT_THREAD = 16;
inline constexpr int NETWORKING_SEND_AUTO_RESTART_BROKEN_SESSION = 32;

/// The same flags under Valve's SDK names.
inline constexpr int k_nSteamNetworkingSend_Unreliable = 0;
inline constexpr int k_nSteamNetworkingSend_NoNagle = 1;
inline constexpr int k_nSteamNetworkingSend_UnreliableNoNagle = 1;
inline constexpr int k_nSteamNetworkingSend_NoDelay = 4;
inline constexpr int k_nSteamNetworkingSend_UnreliableNoDelay = 5;
inline constexpr int k_nSteamNetworkingSend_Reliable = 8;
inline constexpr int k_nSteamNetworkingSend_ReliableNoNagle = 9;
inline constexpr int k_nSteamNetworkingSend_UseCurrentThread = 16;
inline constexpr int k_nSteamNetworkingSend_AutoRestartBrokenSession = 32;

/// Largest payload `sendMessageToUser` accepts, in bytes
/// (k_cbMaxSteamNetworkingSocketsMessageSizeSend).
inline constexpr int kMaxMessageSizeSend = 524288;
/// GodotSteam's name for the same limit.
inline constexpr int MAX_STEAM_PACKET_SIZE = kMaxMessageSizeSend;
/// Unreliable messages larger than this many bytes are sent reliably.
inline constexpr int kMaxUnreliableMessageSizeSend = 16500;

/// Name of a Result value, e.g. "ConnectFailed"; "Result" for values without a name here.
std::string_view toString(Result result);
/// Name of a state, e.g. "ClosedByPeer".
std::string_view toString(ConnectionState state);

/// Prints "ConnectFailed (35)"; GoogleTest uses this in failure messages.
std::ostream& operator<<(std::ostream& out, Result result);
/// Prints "ClosedByPeer (4)".
std::ostream& operator<<(std::ostream& out, ConnectionState state);

}  // namespace steamsim
