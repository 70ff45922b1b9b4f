#pragma once
/// \file
/// Conversions to the dictionaries GodotSteam hands to scripts, with its exact keys and
/// value types (integers, floats, strings; payloads as arrays of byte values).

#include <nlohmann/json.hpp>

#include "steamsim/message.hpp"

namespace steamsim {

/// A received message as `receiveMessagesOnChannel` returns it in GDScript: keys payload,
/// size, connection, identity, receiver_user_data, time_received, message_number, channel,
/// flags, sender_user_data.
nlohmann::json toDictionary(const Message& message);

/// `getSessionConnectionInfo`'s dictionary: `connection_state` always; the connection keys
/// when `info.connection` is set (overwriting connection_state with its value, as GodotSteam
/// does); the status keys when `info.status` is set.
nlohmann::json toDictionary(const SessionConnectionInfo& info);

/// The four arguments of `network_messages_session_failed` as a dictionary: reason,
/// remote_steam_id, connection_state, debug_message.
nlohmann::json toDictionary(const SessionFailed& failed);

}  // namespace steamsim
