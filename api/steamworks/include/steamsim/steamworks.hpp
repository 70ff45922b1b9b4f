// SPDX-License-Identifier: MIT
#pragma once
/// \file
/// Adapters both ways between Steam's `ISteamNetworkingMessages` and steamsim (target
/// `steamsim::steamworks`, header-only):
///  - `steamsim::SteamworksMessages`: steamsim's NetworkingMessages over a real
///    `ISteamNetworkingMessages*`, for production builds of code written against the seam;
///  - `steamsim::SimulatedSteamMessages`: an `ISteamNetworkingMessages` over a steamsim peer,
///    for testing code written against Steam's interface on the simulated network.
///
/// Compiles only where Steam's headers are on the include path: the Steamworks SDK's
/// `public/` or GameNetworkingSockets' `include/` (it includes
/// `<steam/isteamnetworkingmessages.h>`; define `STEAMSIM_STEAM_HEADER` to include another
/// header instead; see steamsim/steamworks/steam_headers.hpp).

#include "steamsim/steamworks/conversions.hpp"
#include "steamsim/steamworks/simulated_steam_messages.hpp"
#include "steamsim/steamworks/steam_headers.hpp"
#include "steamsim/steamworks/steamworks_messages.hpp"
