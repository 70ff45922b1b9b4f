#pragma once
/// \file
/// Everything of steamsim::api, the library game production code links: the types and the
/// `NetworkingMessages` seam. Includes only standard headers.

#include "steamsim/message.hpp"
#include "steamsim/networking_messages.hpp"
#include "steamsim/signal_connection.hpp"
#include "steamsim/types.hpp"
