// SPDX-License-Identifier: MIT
#pragma once
// steamsim's own stand-in for the part of Steam's networking headers that
// <steamsim/steamworks.hpp> and its tests use, so they build where neither the Steamworks SDK
// nor GameNetworkingSockets is installed. Written by this project from Valve's public
// documentation of ISteamNetworkingMessages, SteamNetworkingMessage_t,
// SteamNetConnectionInfo_t, SteamNetConnectionRealTimeStatus_t, SteamNetworkingIdentity and
// the two Messages session callbacks: the names, numeric values and member types Valve
// documents; the layout is this file's own (only source compatibility matters here).
// Real builds use Steam's headers instead (STEAMSIM_STEAM_INCLUDE_DIR for these tests).

#define ISTEAMNETWORKINGMESSAGES

#include <cstddef>
#include <cstdint>
#include <cstring>

// Steam's fixed-width integer names.
using uint8 = unsigned char;
using uint16 = std::uint16_t;
using uint32 = std::uint32_t;
using int64 = long long;
using uint64 = unsigned long long;

// Handles and identifiers.
using HSteamNetConnection = uint32;
using HSteamListenSocket = uint32;
using SteamNetworkingPOPID = uint32;
using SteamNetworkingMicroseconds = int64;
inline constexpr HSteamNetConnection k_HSteamNetConnection_Invalid = 0;
inline constexpr HSteamListenSocket k_HSteamListenSocket_Invalid = 0;

// Result codes (a few of EResult's values, as documented).
enum EResult {
  k_EResultNone = 0,
  k_EResultOK = 1,
  k_EResultFail = 2,
  k_EResultNoConnection = 3,
  k_EResultInvalidParam = 8,
  k_EResultInvalidState = 11,
  k_EResultLimitExceeded = 25,
  k_EResultConnectFailed = 35,
  k_EResultIgnored = 41,
};

// Connection states, including the internal ones the API never reports.
enum ESteamNetworkingConnectionState {
  k_ESteamNetworkingConnectionState_Dead = -3,
  k_ESteamNetworkingConnectionState_Linger = -2,
  k_ESteamNetworkingConnectionState_FinWait = -1,
  k_ESteamNetworkingConnectionState_None = 0,
  k_ESteamNetworkingConnectionState_Connecting = 1,
  k_ESteamNetworkingConnectionState_FindingRoute = 2,
  k_ESteamNetworkingConnectionState_Connected = 3,
  k_ESteamNetworkingConnectionState_ClosedByPeer = 4,
  k_ESteamNetworkingConnectionState_ProblemDetectedLocally = 5,
};

// Send flags, as bits.
inline constexpr int k_nSteamNetworkingSend_Unreliable = 0;
inline constexpr int k_nSteamNetworkingSend_NoNagle = 1;
inline constexpr int k_nSteamNetworkingSend_NoDelay = 4;
inline constexpr int k_nSteamNetworkingSend_Reliable = 8;
inline constexpr int k_nSteamNetworkingSend_UseCurrentThread = 16;
inline constexpr int k_nSteamNetworkingSend_AutoRestartBrokenSession = 32;
inline constexpr int k_nSteamNetworkingSend_UnreliableNoNagle =
    k_nSteamNetworkingSend_Unreliable | k_nSteamNetworkingSend_NoNagle;
inline constexpr int k_nSteamNetworkingSend_UnreliableNoDelay = k_nSteamNetworkingSend_Unreliable |
                                                                k_nSteamNetworkingSend_NoDelay |
                                                                k_nSteamNetworkingSend_NoNagle;
inline constexpr int k_nSteamNetworkingSend_ReliableNoNagle =
    k_nSteamNetworkingSend_Reliable | k_nSteamNetworkingSend_NoNagle;

// Limits.
inline constexpr int k_cbMaxSteamNetworkingSocketsMessageSizeSend = 512 * 1024;
inline constexpr int k_cchSteamNetworkingMaxConnectionCloseReason = 128;
inline constexpr int k_cchSteamNetworkingMaxConnectionDescription = 128;

// An IPv6 address and port; IPv4 is kept as an IPv4-mapped IPv6 address (::ffff:a.b.c.d).
struct SteamNetworkingIPAddr {
  uint8 m_ipv6[16];
  uint16 m_port;  // host byte order

  void Clear() { std::memset(this, 0, sizeof *this); }
  bool IsIPv6AllZeros() const {
    for (uint8 byte : m_ipv6) {
      if (byte != 0) return false;
    }
    return true;
  }
  void SetIPv4(uint32 ip, uint16 port) {
    std::memset(m_ipv6, 0, 10);
    m_ipv6[10] = 0xFF;
    m_ipv6[11] = 0xFF;
    for (int i = 0; i < 4; ++i) m_ipv6[12 + i] = static_cast<uint8>(ip >> (24 - 8 * i));
    m_port = port;
  }
  bool IsIPv4() const {
    for (int i = 0; i < 10; ++i) {
      if (m_ipv6[i] != 0) return false;
    }
    return m_ipv6[10] == 0xFF && m_ipv6[11] == 0xFF;
  }
  uint32 GetIPv4() const {
    if (!IsIPv4()) return 0;
    return (uint32{m_ipv6[12]} << 24) | (uint32{m_ipv6[13]} << 16) | (uint32{m_ipv6[14]} << 8) |
           uint32{m_ipv6[15]};
  }
  void SetIPv6LocalHost(uint16 port = 0) {
    std::memset(m_ipv6, 0, sizeof m_ipv6);
    m_ipv6[15] = 1;
    m_port = port;
  }
};

// What an identity is.
enum ESteamNetworkingIdentityType {
  k_ESteamNetworkingIdentityType_Invalid = 0,
  k_ESteamNetworkingIdentityType_IPAddress = 1,
  k_ESteamNetworkingIdentityType_GenericString = 2,
  k_ESteamNetworkingIdentityType_GenericBytes = 3,
  k_ESteamNetworkingIdentityType_SteamID = 16,
  k_ESteamNetworkingIdentityType_XboxPairwiseID = 17,
  k_ESteamNetworkingIdentityType_SonyPSN = 18,
};

// Who a peer is: a Steam ID, an address, a string, bytes, ...
struct SteamNetworkingIdentity {
  ESteamNetworkingIdentityType m_eType;
  int m_cbSize;  // bytes of the union that are meaningful
  union {
    uint64 m_steamID64;
    uint64 m_PSNID;
    char m_szGenericString[32];
    uint8 m_genericBytes[32];
    SteamNetworkingIPAddr m_ip;
  };

  void Clear() { std::memset(static_cast<void*>(this), 0, sizeof *this); }
  bool IsInvalid() const { return m_eType == k_ESteamNetworkingIdentityType_Invalid; }
  void SetSteamID64(uint64 steam_id) {
    Clear();
    m_eType = k_ESteamNetworkingIdentityType_SteamID;
    m_cbSize = sizeof m_steamID64;
    m_steamID64 = steam_id;
  }
  uint64 GetSteamID64() const {
    return m_eType == k_ESteamNetworkingIdentityType_SteamID ? m_steamID64 : 0;
  }
  void SetPSNID(uint64 id) {
    Clear();
    m_eType = k_ESteamNetworkingIdentityType_SonyPSN;
    m_cbSize = sizeof m_PSNID;
    m_PSNID = id;
  }
  void SetIPv4Addr(uint32 ip, uint16 port) {
    Clear();
    m_eType = k_ESteamNetworkingIdentityType_IPAddress;
    m_cbSize = sizeof m_ip;
    m_ip.SetIPv4(ip, port);
  }
  void SetLocalHost() {
    Clear();
    m_eType = k_ESteamNetworkingIdentityType_IPAddress;
    m_cbSize = sizeof m_ip;
    m_ip.SetIPv6LocalHost();
  }
  bool SetGenericString(const char* text) {
    const std::size_t length = std::strlen(text);
    if (length >= sizeof m_szGenericString) return false;
    Clear();
    m_eType = k_ESteamNetworkingIdentityType_GenericString;
    m_cbSize = static_cast<int>(length + 1);
    std::memcpy(m_szGenericString, text, length + 1);
    return true;
  }
  bool SetGenericBytes(const void* data, std::size_t size) {
    if (size > sizeof m_genericBytes) return false;
    Clear();
    m_eType = k_ESteamNetworkingIdentityType_GenericBytes;
    m_cbSize = static_cast<int>(size);
    std::memcpy(m_genericBytes, data, size);
    return true;
  }
  bool operator==(const SteamNetworkingIdentity& other) const {
    return m_eType == other.m_eType && m_cbSize == other.m_cbSize &&
           std::memcmp(m_genericBytes, other.m_genericBytes, static_cast<std::size_t>(m_cbSize)) ==
               0;
  }
};

// A connection's description (what GetSessionConnectionInfo fills).
struct SteamNetConnectionInfo_t {
  SteamNetworkingIdentity m_identityRemote;
  int64 m_nUserData;
  HSteamListenSocket m_hListenSocket;
  SteamNetworkingIPAddr m_addrRemote;
  SteamNetworkingPOPID m_idPOPRemote;
  SteamNetworkingPOPID m_idPOPRelay;
  ESteamNetworkingConnectionState m_eState;
  int m_eEndReason;
  char m_szEndDebug[k_cchSteamNetworkingMaxConnectionCloseReason];
  char m_szConnectionDescription[k_cchSteamNetworkingMaxConnectionDescription];
  int m_nFlags;
};

// A connection's live figures (GetSessionConnectionInfo's quick status).
struct SteamNetConnectionRealTimeStatus_t {
  ESteamNetworkingConnectionState m_eState;
  int m_nPing;
  float m_flConnectionQualityLocal;
  float m_flConnectionQualityRemote;
  float m_flOutPacketsPerSec;
  float m_flOutBytesPerSec;
  float m_flInPacketsPerSec;
  float m_flInBytesPerSec;
  int m_nSendRateBytesPerSecond;
  int m_cbPendingUnreliable;
  int m_cbPendingReliable;
  int m_cbSentUnackedReliable;
  SteamNetworkingMicroseconds m_usecQueueTime;
};

// A message. Only the library creates and destroys them: the destructor is protected, and
// the owner gives a message back with Release().
struct SteamNetworkingMessage_t {
  void* m_pData;
  int m_cbSize;
  HSteamNetConnection m_conn;
  SteamNetworkingIdentity m_identityPeer;
  int64 m_nConnUserData;
  SteamNetworkingMicroseconds m_usecTimeReceived;
  int64 m_nMessageNumber;
  void (*m_pfnFreeData)(SteamNetworkingMessage_t* message);
  void (*m_pfnRelease)(SteamNetworkingMessage_t* message);
  int m_nChannel;
  int m_nFlags;
  int64 m_nUserData;
  uint16 m_idxLane;

  inline void Release();

  uint32 GetSize() const { return static_cast<uint32>(m_cbSize); }
  const void* GetData() const { return m_pData; }
  int GetChannel() const { return m_nChannel; }

 protected:
  ~SteamNetworkingMessage_t() {}
};

inline void SteamNetworkingMessage_t::Release() {
  m_pfnRelease(this);
}

// The connectionless messages interface.
class ISteamNetworkingMessages {
 public:
  virtual EResult SendMessageToUser(const SteamNetworkingIdentity& identityRemote,
                                    const void* pubData, uint32 cubData, int nSendFlags,
                                    int nRemoteChannel) = 0;
  virtual int ReceiveMessagesOnChannel(int nLocalChannel, SteamNetworkingMessage_t** ppOutMessages,
                                       int nMaxMessages) = 0;
  virtual bool AcceptSessionWithUser(const SteamNetworkingIdentity& identityRemote) = 0;
  virtual bool CloseSessionWithUser(const SteamNetworkingIdentity& identityRemote) = 0;
  virtual bool CloseChannelWithUser(const SteamNetworkingIdentity& identityRemote,
                                    int nLocalChannel) = 0;
  virtual ESteamNetworkingConnectionState GetSessionConnectionInfo(
      const SteamNetworkingIdentity& identityRemote, SteamNetConnectionInfo_t* pConnectionInfo,
      SteamNetConnectionRealTimeStatus_t* pQuickStatus) = 0;
};

// The two callbacks of the interface.
enum { k_iSteamNetworkingMessagesCallbacks = 1250 };

struct SteamNetworkingMessagesSessionRequest_t {
  enum { k_iCallback = k_iSteamNetworkingMessagesCallbacks + 1 };
  SteamNetworkingIdentity m_identityRemote;  // the peer asking for a session
};

struct SteamNetworkingMessagesSessionFailed_t {
  enum { k_iCallback = k_iSteamNetworkingMessagesCallbacks + 2 };
  SteamNetConnectionInfo_t m_info;  // the session's connection when it failed
};

// Plain-function callbacks (GameNetworkingSockets' global configuration values).
using FnSteamNetworkingMessagesSessionRequest = void (*)(SteamNetworkingMessagesSessionRequest_t*);
using FnSteamNetworkingMessagesSessionFailed = void (*)(SteamNetworkingMessagesSessionFailed_t*);
