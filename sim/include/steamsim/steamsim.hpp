#pragma once
/// \file
/// Umbrella header of steamsim::sim: the API types, GodotSteam's dictionaries
/// (`toDictionary`, from steamsim::dictionary) and the simulated network.

#include "steamsim/api.hpp"
#include "steamsim/dictionary.hpp"
#include "steamsim/network.hpp"
#include "steamsim/peer.hpp"
