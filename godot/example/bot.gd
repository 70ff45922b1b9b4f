# SPDX-License-Identifier: MIT
extends Node
# A scripted player for headless runs (CI, soak tests): it plays the lobby through
# lobby.gd, probes the `Steam` API the way a debug overlay would, and prints everything it
# observed as one JSON line ("STEAMSIM-REPORT {...}") before quitting.
#
# User arguments (after `--`):
#   --bot=host              host; waits for --bot-players=N players to say "done"
#   --bot=player            joins --join=HOST_ID, waits until the lobby has the host and
#                           --bot-players=N players, sends --bot-chat=N chat lines and
#                           --bot-moves=N positions, says "done", waits for the host's
#                           "probed", then finishes as --bot-finish=leave|partition
#   --bot-deadline-ms=MS    gives up (reporting "timed_out") after MS of wall time

const UNKNOWN_STEAM_ID = 76561197960265729
const CHATS_PER_FRAME = 4

var lobby = null
var role = ""
var players_expected = 1
var chat_total = 0
var moves_total = 0
var finish = "leave"
var deadline_usec = 0

var report = {}
var _phase = "waiting"
var _chat_sent = 0
var _moves_sent = 0
var _done_from = []
var _tick = 0
var _guests = []
var _finished = false


func configure(the_lobby, arguments):
	lobby = the_lobby
	role = arguments.get("bot", "")
	players_expected = int(arguments.get("bot-players", "1"))
	chat_total = int(arguments.get("bot-chat", "20"))
	moves_total = int(arguments.get("bot-moves", "60"))
	finish = arguments.get("bot-finish", "leave")
	deadline_usec = _now_usec() + int(arguments.get("bot-deadline-ms", "30000")) * 1000
	report = {
		"role": role, "steam_id": Steam.getSteamID(), "is_steam_running": Steam.isSteamRunning(),
		"logged_on": Steam.loggedOn(), "session_requests": [], "chat": {}, "positions": {},
		"states": 0, "message_types": {}, "flags": {}, "connection_lost": [], "members_left": [],
		"probes": {}, "info": {}, "send_results": {}, "timed_out": false,
	}
	lobby.connect_signal("session_requested", self, "_on_session_requested")
	lobby.connect_signal("chat_received", self, "_on_chat")
	lobby.connect_signal("position_received", self, "_on_position")
	lobby.connect_signal("state_received", self, "_on_state")
	lobby.connect_signal("message_received", self, "_on_message")
	lobby.connect_signal("connection_lost", self, "_on_connection_lost")
	lobby.connect_signal("member_left", self, "_on_member_left")


func _process(_delta):
	if _finished:
		return
	if _now_usec() > deadline_usec:
		report["timed_out"] = true
		report["phase"] = _phase
		_finish(1)
		return
	if role == "host":
		_host_step()
	else:
		_player_step()


# ---------------------------------------------------------------------------------------
# Host.

func _host_step():
	if _phase == "waiting":
		_phase = "play"
	if _phase == "play" and _done_from.size() >= players_expected:
		_host_probe()
		lobby.send_chat("probed")
		_phase = "ticking"
	elif _phase == "ticking":
		# Game state to every player each frame, until every player has left or dropped.
		_tick += 1
		lobby.send_state(_tick)
		if lobby.members.size() <= 1:
			for guest in _guests:
				report["info"]["final_" + str(guest)] = _plain(Steam.getSessionConnectionInfo(guest, true, false))
			_finish(0)


func _host_probe():
	if _guests.size() == 0:
		report["probes"]["no_session_request"] = true
		return
	var guest = _guests[0]
	_record_info_combinations(guest)
	var probes = report["probes"]
	probes["accept_active"] = Steam.acceptSessionWithUser(guest)
	probes["accept_unknown"] = Steam.acceptSessionWithUser(UNKNOWN_STEAM_ID)
	probes["close_channel_received"] = Steam.closeChannelWithUser(guest, lobby.CHANNEL_POSITIONS)
	probes["close_channel_again"] = Steam.closeChannelWithUser(guest, lobby.CHANNEL_POSITIONS)
	probes["close_channel_never_received"] = Steam.closeChannelWithUser(guest, 7)
	probes["close_session_unknown"] = Steam.closeSessionWithUser(UNKNOWN_STEAM_ID)
	probes["close_channel_unknown"] = Steam.closeChannelWithUser(UNKNOWN_STEAM_ID, 0)
	probes["receive_max_zero"] = Steam.receiveMessagesOnChannel(lobby.CHANNEL_CHAT, 0).size()
	probes["receive_empty_channel"] = Steam.receiveMessagesOnChannel(12345, 10).size()
	var small = lobby._utf8("x")
	var oversize = StreamPeerBuffer.new()
	oversize.resize(Steam.MAX_STEAM_PACKET_SIZE + 1)
	probes["send_to_zero"] = Steam.sendMessageToUser(0, small, Steam.NETWORKING_SEND_RELIABLE, 0)
	probes["send_oversize"] = Steam.sendMessageToUser(guest, oversize.data_array, Steam.NETWORKING_SEND_RELIABLE, 0)
	report["info"]["unknown"] = _plain(Steam.getSessionConnectionInfo(UNKNOWN_STEAM_ID, true, true))
	report["info"]["guest_connected"] = _plain(Steam.getSessionConnectionInfo(guest, true, true))


# ---------------------------------------------------------------------------------------
# Player.

func _player_step():
	if _phase == "waiting" and lobby.members.size() >= players_expected + 1:
		_phase = "play"
	if _phase == "play":
		var sent = 0
		while _chat_sent < chat_total and sent < CHATS_PER_FRAME:
			_chat_sent += 1
			sent += 1
			_count_result("chat", lobby.send_chat("n=%d" % _chat_sent))
		if _moves_sent < moves_total:
			_moves_sent += 1
			_count_result("position", lobby.send_position(Vector2(_moves_sent, 2 * _moves_sent)))
		if _chat_sent == chat_total and _moves_sent == moves_total:
			_count_result("chat", lobby.send_chat("done"))
			_phase = "wait_probed"
	elif _phase == "partition":
		# Keep reliable data in flight so the partition is detected (B12) and reported.
		_chat_sent += 1
		lobby.send_chat("keep=%d" % _chat_sent)
	elif _phase == "leaving" and lobby.is_everything_acknowledged(lobby.host_steam_id):
		var host = lobby.host_steam_id
		var probes = report["probes"]
		probes["close_channel_never_received"] = Steam.closeChannelWithUser(host, 7)
		probes["close_session"] = Steam.closeSessionWithUser(host)
		probes["close_session_again"] = Steam.closeSessionWithUser(host)
		probes["close_channel_after_close"] = Steam.closeChannelWithUser(host, lobby.CHANNEL_CHAT)
		report["info"]["after_close"] = _plain(Steam.getSessionConnectionInfo(host, true, true))
		_finish(0)


func _player_probed():
	_record_info_combinations(lobby.host_steam_id)
	report["info"]["host_connected"] = _plain(Steam.getSessionConnectionInfo(lobby.host_steam_id, true, true))
	if finish == "partition":
		_phase = "partition"
		print("STEAMSIM-BOT partition-ready")
	else:
		_count_result("leave", lobby.announce_leave())
		_phase = "leaving"


func _player_dropped(reason, connection_state, debug_message):
	var host = lobby.host_steam_id
	report["info"]["after_failure"] = _plain(Steam.getSessionConnectionInfo(host, true, true))
	var small = lobby._utf8("after")
	report["probes"]["send_after_failure"] = Steam.sendMessageToUser(host, small, Steam.NETWORKING_SEND_RELIABLE, 0)
	report["probes"]["send_auto_restart"] = Steam.sendMessageToUser(host, small, Steam.NETWORKING_SEND_RELIABLE | Steam.NETWORKING_SEND_AUTORESTART_BROKEN_SESSION, 0)
	report["info"]["after_restart"] = _plain(Steam.getSessionConnectionInfo(host, true, false))
	_finish(0)


# ---------------------------------------------------------------------------------------
# Observations.

func _on_session_requested(steam_id, accepted):
	report["session_requests"].append({"remote": steam_id, "accepted": accepted})
	if role == "host" and accepted and not _guests.has(steam_id):
		_guests.append(steam_id)


func _on_chat(sender, text):
	var key = str(sender)
	if not report["chat"].has(key):
		report["chat"][key] = []
	if text.begins_with("n="):
		report["chat"][key].append(int(text.substr(2, text.length())))
	elif text == "done" and role == "host":
		_done_from.append(sender)
	elif text == "probed" and role == "player" and _phase == "wait_probed" and sender == lobby.host_steam_id:
		_player_probed()


func _on_position(sender, sequence, _position):
	var key = str(sender)
	if not report["positions"].has(key):
		report["positions"][key] = []
	report["positions"][key].append(sequence)


func _on_state(_sender, _tick_number):
	report["states"] += 1


func _on_message(message):
	var channel = str(message["channel"])
	if not report["message_types"].has(channel):
		report["message_types"][channel] = _types(message)
	if not report["flags"].has(channel):
		report["flags"][channel] = []
	if not report["flags"][channel].has(message["flags"]):
		report["flags"][channel].append(message["flags"])
	if message["size"] != message["payload"].size():
		report["probes"]["size_mismatch"] = true


func _on_connection_lost(steam_id, reason, connection_state, debug_message):
	report["connection_lost"].append({"remote": steam_id, "reason": reason, "connection_state": connection_state, "debug_message": debug_message})
	if role == "player" and _phase == "partition" and steam_id == lobby.host_steam_id:
		_player_dropped(reason, connection_state, debug_message)


func _on_member_left(steam_id):
	report["members_left"].append(steam_id)


func _record_info_combinations(steam_id):
	for get_connection in [true, false]:
		for get_status in [true, false]:
			var key = ("connection" if get_connection else "no_connection") + "+" + ("status" if get_status else "no_status")
			report["info"][key] = _types(Steam.getSessionConnectionInfo(steam_id, get_connection, get_status))


func _count_result(what, result):
	var results = report["send_results"]
	var key = what + "_" + str(result)
	results[key] = results.get(key, 0) + 1


func _finish(code):
	if _finished:
		return
	_finished = true
	report["sent_chat"] = _chat_sent
	report["sent_moves"] = _moves_sent
	print("STEAMSIM-REPORT " + _json(report))
	get_tree().quit(code)


# ---------------------------------------------------------------------------------------
# Helpers that keep this file the same on Godot 3 and 4.

func _now_usec():
	if int(Engine.get_version_info()["major"]) >= 4:
		return Engine.get_singleton("Time").call("get_ticks_usec")
	return OS.call("get_ticks_usec")


# {key: type name} of a dictionary.
func _types(dictionary):
	var types = {}
	for key in dictionary:
		types[key] = _type_name(dictionary[key])
	return types


# A dictionary whose byte arrays are replaced by their sizes (for the report).
func _plain(dictionary):
	var plain = {}
	for key in dictionary:
		var value = dictionary[key]
		plain[key] = value.size() if _type_name(value) == "bytes" else value
	return plain


static func _type_name(value):
	var type = typeof(value)
	if type == TYPE_BOOL:
		return "bool"
	if type == TYPE_INT:
		return "int"
	if type == 3:
		return "float"
	if type == TYPE_STRING:
		return "String"
	if type == TYPE_DICTIONARY:
		return "Dictionary"
	if type == TYPE_ARRAY:
		return "Array"
	var bytes_type = 29 if int(Engine.get_version_info()["major"]) >= 4 else 20
	if type == bytes_type:
		return "bytes"
	return "type %d" % type


static func _json(value):
	var type = typeof(value)
	if value == null:
		return "null"
	if type == TYPE_BOOL:
		return "true" if value else "false"
	if type == TYPE_INT:
		return str(value)
	if type == 3:
		return "%.6f" % value
	if type == TYPE_STRING:
		return _json_string(value)
	if type == TYPE_DICTIONARY:
		var text = ""
		for key in value:
			text += ("," if text != "" else "") + _json_string(str(key)) + ":" + _json(value[key])
		return "{" + text + "}"
	var items = ""
	for item in value:
		items += ("," if items != "" else "") + _json(item)
	return "[" + items + "]"


static func _json_string(text):
	var escaped = ""
	for i in range(text.length()):
		var c = text[i]
		if c == "\"" or c == "\\":
			escaped += "\\" + c
		elif c == "\n":
			escaped += "\\n"
		elif c == "\t":
			escaped += "\\t"
		elif c == "\r":
			escaped += "\\r"
		else:
			escaped += c
	return "\"" + escaped + "\""
