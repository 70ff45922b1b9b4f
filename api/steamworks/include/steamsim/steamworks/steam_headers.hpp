// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Brings in Steam's declarations of `ISteamNetworkingMessages` and its types.
///
/// The adapters compile against Steam's own headers, never a copy: either the Steamworks
/// SDK (`sdk/public` on the include path) or GameNetworkingSockets (its `include`
/// directory), both of which provide `<steam/isteamnetworkingmessages.h>`. A build that
/// keeps them elsewhere, or wraps them, defines `STEAMSIM_STEAM_HEADER` as the header to
/// include instead, e.g. `-DSTEAMSIM_STEAM_HEADER='<steam/steam_api.h>'`. If Steam's
/// declarations were already included before this header, nothing more is included.

#if defined(STEAMSIM_STEAM_HEADER)
#include STEAMSIM_STEAM_HEADER
#elif !defined(ISTEAMNETWORKINGMESSAGES)
#if __has_include(<steam/isteamnetworkingmessages.h>)
#include <steam/isteamnetworkingmessages.h>
#else
// clang-format off
#error "<steamsim/steamworks.hpp> needs Steam's headers: the Steamworks SDK's public/ (or GameNetworkingSockets' include/) on the include path, or STEAMSIM_STEAM_HEADER defined as the header declaring ISteamNetworkingMessages."
// clang-format on
#endif
#endif
