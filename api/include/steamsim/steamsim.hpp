#pragma once
/// \file
/// Umbrella header: the API types and, when steamsim::sim is linked, the simulated network.

#include "steamsim/dictionary.hpp"
#include "steamsim/message.hpp"
#include "steamsim/networking_messages.hpp"
#include "steamsim/types.hpp"

#if __has_include("steamsim/network.hpp")
#include "steamsim/network.hpp"
#endif
