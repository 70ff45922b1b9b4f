# SPDX-License-Identifier: MIT
extends Node
# A small lobby over GodotSteam's Networking Messages: one host, any number of players,
# chat on a reliable channel and positions on an unreliable one. Only the `Steam`
# singleton's API is used, so this runs unchanged on GodotSteam and on steamsim.
#
# Wire format (UTF-8 text): "join|<name>", "members|<id>:<name>,...", "chat|<from>|<text>",
# "leave", "state|<n>" on CHANNEL_CHAT; "pos|<from>|<seq>|<x>|<y>" on CHANNEL_POSITIONS.

signal member_joined(steam_id, player_name)
signal member_left(steam_id)
signal chat_received(sender, text)
signal position_received(sender, sequence, position)
signal state_received(sender, tick)
signal session_requested(steam_id, accepted)
signal connection_lost(steam_id, reason, connection_state, debug_message)
signal message_received(message)

const CHANNEL_CHAT = 0
const CHANNEL_POSITIONS = 1
const MAX_MESSAGES_PER_FRAME = 64

var is_host = false
var host_steam_id = 0
var my_steam_id = 0
var my_name = ""
var members = {}
var _position_sequence = 0


func _ready():
	_listen(Steam, "network_messages_session_request", "_on_session_request")
	_listen(Steam, "network_messages_session_failed", "_on_session_failed")


# Starts a lobby hosted by this player.
func host_lobby(player_name):
	is_host = true
	my_steam_id = Steam.getSteamID()
	host_steam_id = my_steam_id
	my_name = player_name
	members = {my_steam_id: player_name}


# Joins the lobby hosted by `host_id`; the first message opens the session.
func join_lobby(host_id, player_name):
	is_host = false
	my_steam_id = Steam.getSteamID()
	host_steam_id = host_id
	my_name = player_name
	return _send(host_steam_id, "join|" + player_name, Steam.NETWORKING_SEND_RELIABLE, CHANNEL_CHAT)


# Sends a chat line to everyone (through the host).
func send_chat(text):
	if is_host:
		_broadcast("chat|%d|%s" % [my_steam_id, text], Steam.NETWORKING_SEND_RELIABLE, CHANNEL_CHAT, 0)
		return Steam.RESULT_OK
	return _send(host_steam_id, "chat|%d|%s" % [my_steam_id, text], Steam.NETWORKING_SEND_RELIABLE, CHANNEL_CHAT)


# Sends this player's position; positions are unreliable (a lost one is superseded).
func send_position(position):
	_position_sequence += 1
	var text = "pos|%d|%d|%d|%d" % [my_steam_id, _position_sequence, int(position.x), int(position.y)]
	if is_host:
		_broadcast(text, Steam.NETWORKING_SEND_UNRELIABLE, CHANNEL_POSITIONS, 0)
		return Steam.RESULT_OK
	return _send(host_steam_id, text, Steam.NETWORKING_SEND_UNRELIABLE, CHANNEL_POSITIONS)


# The host's periodic game state to every player (reliable).
func send_state(tick):
	_broadcast("state|%d" % tick, Steam.NETWORKING_SEND_RELIABLE, CHANNEL_CHAT, 0)


# Tells the host we leave. Close the session once the message is acknowledged
# (see is_everything_acknowledged), or it may be dropped with the session.
func announce_leave():
	return _send(host_steam_id, "leave", Steam.NETWORKING_SEND_RELIABLE, CHANNEL_CHAT)


# True when nothing sent to `steam_id` waits to be sent or acknowledged.
func is_everything_acknowledged(steam_id):
	var status = Steam.getSessionConnectionInfo(steam_id, false, true)
	if status.size() == 0 or not status.has("pending_reliable"):
		return true
	return status["pending_reliable"] == 0 and status["sent_unacknowledged_reliable"] == 0


func _process(_delta):
	Steam.run_callbacks()
	_read_channel(CHANNEL_CHAT)
	_read_channel(CHANNEL_POSITIONS)


func _read_channel(channel):
	for message in Steam.receiveMessagesOnChannel(channel, MAX_MESSAGES_PER_FRAME):
		emit_signal("message_received", message)
		_handle(message["identity"], message["payload"].get_string_from_utf8())


func _handle(sender, text):
	var parts = text.split("|")
	var kind = parts[0]
	if kind == "join" and is_host:
		members[sender] = parts[1]
		emit_signal("member_joined", sender, parts[1])
		_broadcast(_members_text(), Steam.NETWORKING_SEND_RELIABLE, CHANNEL_CHAT, 0)
	elif kind == "members" and not is_host:
		_update_members(parts[1])
	elif kind == "chat":
		var origin = int(parts[1])
		var line = text.substr(parts[0].length() + parts[1].length() + 2, text.length())
		if is_host:
			_broadcast(text, Steam.NETWORKING_SEND_RELIABLE, CHANNEL_CHAT, origin)
		emit_signal("chat_received", origin, line)
	elif kind == "pos":
		var origin = int(parts[1])
		if is_host:
			_broadcast(text, Steam.NETWORKING_SEND_UNRELIABLE, CHANNEL_POSITIONS, origin)
		emit_signal("position_received", origin, int(parts[2]), Vector2(float(parts[3]), float(parts[4])))
	elif kind == "state":
		emit_signal("state_received", sender, int(parts[1]))
	elif kind == "leave" and is_host:
		members.erase(sender)
		emit_signal("member_left", sender)
		_broadcast(_members_text(), Steam.NETWORKING_SEND_RELIABLE, CHANNEL_CHAT, 0)


func _update_members(text):
	var now = {}
	for entry in text.split(",", false):
		var colon = entry.find(":")
		now[int(entry.substr(0, colon))] = entry.substr(colon + 1, entry.length())
	for steam_id in now:
		if not members.has(steam_id):
			emit_signal("member_joined", steam_id, now[steam_id])
	for steam_id in members:
		if not now.has(steam_id):
			emit_signal("member_left", steam_id)
	members = now


func _members_text():
	var entries = []
	for steam_id in members:
		entries.append("%d:%s" % [steam_id, members[steam_id]])
	var joined = ""
	for entry in entries:
		joined += ("," if joined != "" else "") + entry
	return "members|" + joined


func _on_session_request(remote_steam_id):
	# The host takes anyone; a player only talks to its host.
	var accepted = false
	if is_host or remote_steam_id == host_steam_id:
		accepted = Steam.acceptSessionWithUser(remote_steam_id)
	emit_signal("session_requested", remote_steam_id, accepted)


func _on_session_failed(reason, remote_steam_id, connection_state, debug_message):
	if is_host and members.has(remote_steam_id):
		members.erase(remote_steam_id)
		emit_signal("member_left", remote_steam_id)
	emit_signal("connection_lost", remote_steam_id, reason, connection_state, debug_message)


func _broadcast(text, flags, channel, except_steam_id):
	for steam_id in members:
		if steam_id != my_steam_id and steam_id != except_steam_id:
			_send(steam_id, text, flags, channel)


func _send(steam_id, text, flags, channel):
	return Steam.sendMessageToUser(steam_id, _utf8(text), flags, channel)


# UTF-8 bytes of `text` (written this way so one script runs on Godot 3 and 4).
static func _utf8(text):
	var buffer = StreamPeerBuffer.new()
	buffer.put_utf8_string(text)
	buffer.seek(0)
	return buffer.get_data(buffer.get_u32())[1]


# Connects this lobby's `signal_name` to `method` of `target` (same call on Godot 3 and 4).
func connect_signal(signal_name, target, method):
	_connect(self, signal_name, target, method)


func _listen(source, signal_name, method):
	_connect(source, signal_name, self, method)


static func _connect(source, signal_name, target, method):
	if int(Engine.get_version_info()["major"]) >= 4:
		source.connect(signal_name, target.get(method))
	else:
		source.connect(signal_name, target, method)
