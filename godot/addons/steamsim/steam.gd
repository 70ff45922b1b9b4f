# SPDX-License-Identifier: MIT
extends Node
# The `Steam` autoload of the steamsim addon: GodotSteam's Networking Messages calls,
# signals and constants, answered by a simulated Steam ID attached to `steamsim serve`.
#
# One file for Godot 3.x and 4.x: it keeps to the GDScript both versions parse and routes
# the few calls whose names differ through `_godot4` (see README.md, "GDScript subset").
#
# Configuration (a command-line user argument wins over the environment variable):
#   --steamsim-id=ID            STEAMSIM_ID           the Steam ID this instance plays
#   --steamsim-server=HOST:PORT STEAMSIM_SERVER       where `steamsim serve` listens
#   --steamsim-token=TEXT       STEAMSIM_TOKEN        the server's token
#   --steamsim-token-file=PATH  STEAMSIM_TOKEN_FILE   a file holding the token
#   --steamsim-timeout-ms=MS    STEAMSIM_TIMEOUT_MS   bound on connecting and on each call
#                                                     (default 5000)

signal network_messages_session_request(remote_steam_id)
signal network_messages_session_failed(reason, remote_steam_id, connection_state, debug_message)

# Send flags (plain integers, as GodotSteam binds them; the misspelt alias is GodotSteam's).
const NETWORKING_SEND_UNRELIABLE = 0
const NETWORKING_SEND_NO_NAGLE = 1
const NETWORKING_SEND_URELIABLE_NO_NAGLE = 1
const NETWORKING_SEND_NO_DELAY = 4
const NETWORKING_SEND_UNRELIABLE_NO_DELAY = 5
const NETWORKING_SEND_RELIABLE = 8
const NETWORKING_SEND_RELIABLE_NO_NAGLE = 9
const NETWORKING_SEND_USE_CURRENT_THREAD = 16
const NETWORKING_SEND_AUTORESTART_BROKEN_SESSION = 32

# Largest payload sendMessageToUser accepts, in bytes.
const MAX_STEAM_PACKET_SIZE = 524288

# NetworkingConnectionEnd (REMOVE_MIN and BAD_PROTOCOL_VERSION are GodotSteam's spellings).
const CONNECTION_END_INVALID = 0
const CONNECTION_END_APP_MIN = 1000
const CONNECTION_END_APP_GENERIC = 1000
const CONNECTION_END_APP_MAX = 1999
const CONNECTION_END_APP_EXCEPTION_MIN = 2000
const CONNECTION_END_APP_EXCEPTION_GENERIC = 2000
const CONNECTION_END_APP_EXCEPTION_MAX = 2999
const CONNECTION_END_LOCAL_MIN = 3000
const CONNECTION_END_LOCAL_OFFLINE_MODE = 3001
const CONNECTION_END_LOCAL_MANY_RELAY_CONNECTIVITY = 3002
const CONNECTION_END_LOCAL_HOSTED_SERVER_PRIMARY_RELAY = 3003
const CONNECTION_END_LOCAL_NETWORK_CONFIG = 3004
const CONNECTION_END_LOCAL_RIGHTS = 3005
const CONNECTION_END_NO_PUBLIC_ADDRESS = 3006
const CONNECTION_END_LOCAL_MAX = 3999
const CONNECTION_END_REMOVE_MIN = 4000
const CONNECTION_END_REMOTE_TIMEOUT = 4001
const CONNECTION_END_REMOTE_BAD_CRYPT = 4002
const CONNECTION_END_REMOTE_BAD_CERT = 4003
const CONNECTION_END_BAD_PROTOCOL_VERSION = 4006
const CONNECTION_END_REMOTE_P2P_ICE_NO_PUBLIC_ADDRESSES = 4007
const CONNECTION_END_REMOTE_MAX = 4999
const CONNECTION_END_MISC_MIN = 5000
const CONNECTION_END_MISC_GENERIC = 5001
const CONNECTION_END_MISC_INTERNAL_ERROR = 5002
const CONNECTION_END_MISC_TIMEOUT = 5003
const CONNECTION_END_MISC_STEAM_CONNECTIVITY = 5005
const CONNECTION_END_MISC_NO_RELAY_SESSIONS_TO_CLIENT = 5006
const CONNECTION_END_MISC_P2P_RENDEZVOUS = 5008
const CONNECTION_END_MISC_P2P_NAT_FIREWALL = 5009
const CONNECTION_END_MISC_PEER_SENT_NO_CONNECTION = 5010
const CONNECTION_END_MISC_MAX = 5999
const CONNECTION_END_FORCE32BIT = 2147483647

# NetworkingConnectionState.
const CONNECTION_STATE_NONE = 0
const CONNECTION_STATE_CONNECTING = 1
const CONNECTION_STATE_FINDING_ROUTE = 2
const CONNECTION_STATE_CONNECTED = 3
const CONNECTION_STATE_CLOSED_BY_PEER = 4
const CONNECTION_STATE_PROBLEM_DETECTED_LOCALLY = 5
const CONNECTION_STATE_FIN_WAIT = -1
const CONNECTION_STATE_LINGER = -2
const CONNECTION_STATE_DEAD = -3
const CONNECTION_STATE_FORCE_32BIT = 2147483647

# Result (EResult) values the messages API returns.
const RESULT_NONE = 0
const RESULT_OK = 1
const RESULT_FAIL = 2
const RESULT_NO_CONNECTION = 3
const RESULT_INVALID_PARAM = 8
const RESULT_INVALID_STATE = 11
const RESULT_ACCESS_DENIED = 15
const RESULT_TIMEOUT = 16
const RESULT_SERVICE_UNAVAILABLE = 20
const RESULT_LIMIT_EXCEEDED = 25
const RESULT_CONNECT_FAILED = 35
const RESULT_IGNORED = 41

# SteamAPIInitResult, the `status` of steamInitEx().
const STEAM_API_INIT_RESULT_OK = 0
const STEAM_API_INIT_RESULT_FAILED_GENERIC = 1
const STEAM_API_INIT_RESULT_NO_STEAM_CLIENT = 2
const STEAM_API_INIT_RESULT_VERSION_MISMATCH = 3

# The attach protocol (remote/protocol/PROTOCOL.md).
const _PROTOCOL_VERSION = 1
const _ROLE_PEER = 1
const _HEADER_BYTES = 10
const _MAX_FRAME_LENGTH = 525312
const _FRAME_HELLO = 0x0001
const _FRAME_SEND = 0x0101
const _FRAME_RECEIVE = 0x0102
const _FRAME_ACCEPT = 0x0103
const _FRAME_CLOSE_SESSION = 0x0104
const _FRAME_CLOSE_CHANNEL = 0x0105
const _FRAME_SESSION_INFO = 0x0106
const _FRAME_RUN_CALLBACKS = 0x0107
const _FRAME_RESPONSE = 0x8000
const _FRAME_ERROR = 0x7FFF
const _ERROR_VERSION_MISMATCH = 4
const _SIGNAL_SESSION_REQUEST = 1
const _SIGNAL_SESSION_FAILED = 2
const _DEFAULT_TIMEOUT_MS = 5000

var _godot4 = false
var _byte_array_type = 20
var _float_type = 3
var _tcp = null
var _attached = false
var _own_steam_id = 0
var _next_request_id = 1
var _read_failure = ""
var _timeout_usec = _DEFAULT_TIMEOUT_MS * 1000
var _init_result = {"status": STEAM_API_INIT_RESULT_NO_STEAM_CLIENT, "verbal": "steamInitEx has not been called"}


func _init():
	_godot4 = int(Engine.get_version_info()["major"]) >= 4
	# The Variant type id of byte arrays differs between the two versions (floats are 3 in both).
	_byte_array_type = 29 if _godot4 else 20
	set_process(false)


func _process(_delta):
	run_callbacks()


func _notification(what):
	if what == NOTIFICATION_PREDELETE:
		_disconnect()


# ---------------------------------------------------------------------------------------
# Start-up calls every game makes first.

# GodotSteam 3.x and early 4.x: steamInit(retrieve_stats, app_id, embed_callbacks) returns
# {"status": 1 on success, "verbal": text}; recent 4.x: steamInit(app_id, embed_callbacks)
# returns a bool. Both forms are accepted; the first argument's type picks the form.
func steamInit(first = true, second = 0, third = false):
	var modern = typeof(first) == TYPE_INT
	var embed = second if modern else third
	var result = _initialize(embed)
	var ok = result["status"] == STEAM_API_INIT_RESULT_OK
	if modern:
		return ok
	if ok:
		return {"status": 1, "verbal": "Steamworks active."}
	if result["status"] == STEAM_API_INIT_RESULT_NO_STEAM_CLIENT:
		return {"status": RESULT_SERVICE_UNAVAILABLE, "verbal": result["verbal"]}
	return {"status": RESULT_FAIL, "verbal": result["verbal"]}


# steamInitEx(retrieve_stats, app_id, embed_callbacks) or steamInitEx(app_id, embed_callbacks):
# {"status": STEAM_API_INIT_RESULT_*, "verbal": text}. Never blocks longer than the timeout.
func steamInitEx(first = false, second = 0, third = false):
	var embed = second if typeof(first) == TYPE_INT else third
	return _initialize(embed)


# The dictionary the last steamInitEx() returned.
func get_steam_init_result():
	return _init_result


# Closes the attachment; the server then treats this Steam ID as a crashed peer.
func steamShutdown():
	_disconnect()


# True while attached to the server.
func isSteamRunning():
	return _attached


# True while attached to the server.
func loggedOn():
	return _attached


# The simulated Steam ID this instance plays (0 before a successful steamInit).
func getSteamID():
	return _own_steam_id if _attached else 0


# Delivers queued signals: network_messages_session_request and
# network_messages_session_failed are emitted here, in the order they occurred.
func run_callbacks():
	if not _attached:
		return
	var reply = _call(_FRAME_RUN_CALLBACKS, StreamPeerBuffer.new(), "run_callbacks")
	if reply == null:
		return
	var count = reply.get_u32()
	for _i in range(count):
		var kind = reply.get_u8()
		if kind == _SIGNAL_SESSION_REQUEST:
			emit_signal("network_messages_session_request", reply.get_u64())
		elif kind == _SIGNAL_SESSION_FAILED:
			var reason = reply.get_32()
			var remote_steam_id = reply.get_u64()
			var connection_state = reply.get_32()
			var debug_message = reply.get_utf8_string()
			emit_signal("network_messages_session_failed", reason, remote_steam_id, connection_state, debug_message)
		else:
			push_error("steamsim: run_callbacks: unknown signal kind %d from the server" % kind)
			_fail_connection("")
			return


# ---------------------------------------------------------------------------------------
# Networking Messages, with GodotSteam's names, argument order and return values.

# Returns an EResult as int: RESULT_OK once queued (it never reports delivery).
func sendMessageToUser(remote_steam_id, data, flags, channel):
	if not _check_attached("sendMessageToUser"):
		return RESULT_NONE
	var payload = _to_bytes(data)
	if payload == null:
		return _argument_error("sendMessageToUser", "data must be a byte array", RESULT_INVALID_PARAM)
	if not (_is_int(remote_steam_id) and _is_int(flags) and _is_int(channel)):
		return _argument_error("sendMessageToUser", "remote_steam_id, flags and channel must be integers", RESULT_INVALID_PARAM)
	if payload.size() > MAX_STEAM_PACKET_SIZE:
		return RESULT_INVALID_PARAM
	var body = StreamPeerBuffer.new()
	body.put_u64(int(remote_steam_id))
	body.put_32(int(flags))
	body.put_32(int(channel))
	body.put_u32(payload.size())
	body.put_data(payload)
	var reply = _call(_FRAME_SEND, body, "sendMessageToUser")
	if reply == null:
		return RESULT_NONE
	return reply.get_32()


# Returns an Array of message Dictionaries (GodotSteam's keys; `payload` is a byte array).
func receiveMessagesOnChannel(channel, max_messages):
	if not _check_attached("receiveMessagesOnChannel"):
		return []
	if not (_is_int(channel) and _is_int(max_messages)):
		return _argument_error("receiveMessagesOnChannel", "channel and max_messages must be integers", [])
	var body = StreamPeerBuffer.new()
	body.put_32(int(channel))
	body.put_32(int(max_messages))
	var reply = _call(_FRAME_RECEIVE, body, "receiveMessagesOnChannel")
	var messages = []
	if reply == null:
		return messages
	var count = reply.get_u32()
	for _i in range(count):
		var message = {}
		message["payload"] = _get_bytes(reply)
		message["size"] = reply.get_32()
		message["connection"] = reply.get_u32()
		message["identity"] = reply.get_u64()
		message["receiver_user_data"] = reply.get_64()
		message["time_received"] = reply.get_64()
		message["message_number"] = reply.get_64()
		message["channel"] = reply.get_32()
		message["flags"] = reply.get_32()
		message["sender_user_data"] = reply.get_64()
		messages.append(message)
	return messages


# False with no session; true when a pending session was accepted or one is active.
func acceptSessionWithUser(remote_steam_id):
	return _bool_call(_FRAME_ACCEPT, "acceptSessionWithUser", remote_steam_id, null)


# False with no session; otherwise closes it at once and returns true.
func closeSessionWithUser(remote_steam_id):
	return _bool_call(_FRAME_CLOSE_SESSION, "closeSessionWithUser", remote_steam_id, null)


# True only for a channel on which a message was received from that user.
func closeChannelWithUser(remote_steam_id, channel):
	if not _is_int(channel):
		return _argument_error("closeChannelWithUser", "channel must be an integer", false)
	return _bool_call(_FRAME_CLOSE_CHANNEL, "closeChannelWithUser", remote_steam_id, channel)


# {"connection_state": int} plus the connection keys when get_connection and the
# real-time status keys when get_status (GodotSteam's flat dictionary).
func getSessionConnectionInfo(remote_steam_id, get_connection, get_status):
	if not _check_attached("getSessionConnectionInfo"):
		return {}
	if not _is_int(remote_steam_id):
		return _argument_error("getSessionConnectionInfo", "remote_steam_id must be an integer", {})
	if not (_is_flag(get_connection) and _is_flag(get_status)):
		return _argument_error("getSessionConnectionInfo", "get_connection and get_status must be booleans", {})
	var body = StreamPeerBuffer.new()
	body.put_u64(int(remote_steam_id))
	body.put_u8(1 if get_connection else 0)
	body.put_u8(1 if get_status else 0)
	var reply = _call(_FRAME_SESSION_INFO, body, "getSessionConnectionInfo")
	if reply == null:
		return {}
	var info = {}
	info["connection_state"] = reply.get_32()
	if reply.get_u8() != 0:
		info["identity"] = reply.get_u64()
		info["user_data"] = reply.get_64()
		info["listen_socket"] = reply.get_u32()
		info["remote_address"] = reply.get_utf8_string()
		info["remote_pop"] = reply.get_u32()
		info["pop_relay"] = reply.get_u32()
		info["connection_state"] = reply.get_32()
		info["end_reason"] = reply.get_32()
		info["end_debug"] = reply.get_utf8_string()
		info["debug_description"] = reply.get_utf8_string()
		info["info_flags"] = reply.get_32()
	if reply.get_u8() != 0:
		info["state"] = reply.get_32()
		info["ping"] = reply.get_32()
		info["local_quality"] = reply.get_double()
		info["remote_quality"] = reply.get_double()
		info["packets_out_per_second"] = reply.get_double()
		info["bytes_out_per_second"] = reply.get_double()
		info["packets_in_per_second"] = reply.get_double()
		info["bytes_in_per_second"] = reply.get_double()
		info["send_rate"] = reply.get_32()
		info["pending_unreliable"] = reply.get_32()
		info["pending_reliable"] = reply.get_32()
		info["sent_unacknowledged_reliable"] = reply.get_32()
		info["queue_time"] = reply.get_64()
	return info


# ---------------------------------------------------------------------------------------
# Configuration.

func _setting(option, variable):
	var prefix = "--" + option + "="
	for argument in _user_arguments():
		if str(argument).begins_with(prefix):
			return str(argument).substr(prefix.length(), str(argument).length() - prefix.length())
	if OS.has_environment(variable):
		return OS.get_environment(variable)
	return ""


func _user_arguments():
	var arguments = []
	for argument in OS.get_cmdline_args():
		arguments.append(argument)
	if _godot4:
		for argument in OS.call("get_cmdline_user_args"):
			arguments.append(argument)
	return arguments


static func _is_decimal(text):
	if text.length() == 0 or text.length() > 20:
		return false
	for i in range(text.length()):
		if "0123456789".find(text[i]) < 0:
			return false
	return true


func _read_token():
	var token = _setting("steamsim-token", "STEAMSIM_TOKEN")
	if token != "":
		return {"ok": true, "token": token}
	var path = _setting("steamsim-token-file", "STEAMSIM_TOKEN_FILE")
	if path == "":
		return {"ok": true, "token": ""}
	var text = _read_text_file(path)
	if text == null:
		return {"ok": false, "error": "cannot read the token file '%s'" % path}
	return {"ok": true, "token": text.strip_edges()}


# Reads a whole text file with whichever file API this Godot has; null when unreadable.
func _read_text_file(path):
	var helper = GDScript.new()
	if _godot4:
		helper.source_code = "static func read(path):\n\tvar f = FileAccess.open(path, FileAccess.READ)\n\tif f == null:\n\t\treturn null\n\treturn f.get_as_text()\n"
	else:
		helper.source_code = "static func read(path):\n\tvar f = File.new()\n\tif f.open(path, File.READ) != OK:\n\t\treturn null\n\tvar text = f.get_as_text()\n\tf.close()\n\treturn text\n"
	if helper.reload() != OK:
		return null
	return helper.call("read", path)


# ---------------------------------------------------------------------------------------
# Attaching.

func _initialize(embed_callbacks):
	if _attached:
		_init_result = {"status": STEAM_API_INIT_RESULT_OK, "verbal": "Steamworks active."}
		set_process(_as_bool(embed_callbacks))
		return _init_result
	_init_result = _attach()
	if _init_result["status"] == STEAM_API_INIT_RESULT_OK:
		set_process(_as_bool(embed_callbacks))
	else:
		push_error("steamsim: Steam initialisation failed: " + _init_result["verbal"])
	return _init_result


func _attach():
	var timeout_text = _setting("steamsim-timeout-ms", "STEAMSIM_TIMEOUT_MS")
	if timeout_text != "":
		if not _is_decimal(timeout_text) or int(timeout_text) == 0:
			return _failure(STEAM_API_INIT_RESULT_FAILED_GENERIC, "--steamsim-timeout-ms / STEAMSIM_TIMEOUT_MS must be a positive number of milliseconds, got '%s'" % timeout_text)
		_timeout_usec = int(timeout_text) * 1000
	var id_text = _setting("steamsim-id", "STEAMSIM_ID")
	if id_text == "":
		return _failure(STEAM_API_INIT_RESULT_FAILED_GENERIC, "no Steam ID configured: pass -- --steamsim-id=ID or set STEAMSIM_ID")
	if not _is_decimal(id_text) or int(id_text) == 0:
		return _failure(STEAM_API_INIT_RESULT_FAILED_GENERIC, "the Steam ID must be a non-zero decimal number, got '%s'" % id_text)
	var server = _setting("steamsim-server", "STEAMSIM_SERVER")
	if server == "":
		return _failure(STEAM_API_INIT_RESULT_NO_STEAM_CLIENT, "no server configured: pass -- --steamsim-server=HOST:PORT or set STEAMSIM_SERVER (the address `steamsim serve` prints)")
	var colon = server.rfind(":")
	var port_text = server.substr(colon + 1, server.length() - colon - 1) if colon > 0 else ""
	if not _is_decimal(port_text) or int(port_text) < 1 or int(port_text) > 65535:
		return _failure(STEAM_API_INIT_RESULT_FAILED_GENERIC, "the server address must be HOST:PORT, got '%s'" % server)
	var host = server.substr(0, colon)
	var token = _read_token()
	if not token["ok"]:
		return _failure(STEAM_API_INIT_RESULT_FAILED_GENERIC, token["error"])

	_tcp = StreamPeerTCP.new()
	if _tcp.connect_to_host(host, int(port_text)) != OK:
		return _failure(STEAM_API_INIT_RESULT_NO_STEAM_CLIENT, "cannot connect to the steamsim server at %s" % server)
	var deadline = _now_usec() + _timeout_usec
	while _tcp_status() == StreamPeerTCP.STATUS_CONNECTING:
		if _now_usec() > deadline:
			return _failure(STEAM_API_INIT_RESULT_NO_STEAM_CLIENT, "no answer from the steamsim server at %s within %d ms" % [server, _timeout_usec / 1000])
		OS.delay_usec(200)
	if _tcp_status() != StreamPeerTCP.STATUS_CONNECTED:
		return _failure(STEAM_API_INIT_RESULT_NO_STEAM_CLIENT, "cannot connect to the steamsim server at %s (is `steamsim serve` running?)" % server)
	_tcp.set_no_delay(true)

	var hello = StreamPeerBuffer.new()
	hello.put_u8(0x53)
	hello.put_u8(0x53)
	hello.put_u8(0x49)
	hello.put_u8(0x4D)
	hello.put_u16(_PROTOCOL_VERSION)
	hello.put_u8(_ROLE_PEER)
	hello.put_u64(int(id_text))
	hello.put_utf8_string(token["token"])
	_attached = true
	var reply = _exchange(_FRAME_HELLO, hello, "steamInit")
	if reply["body"] == null:
		_disconnect()
		var status = STEAM_API_INIT_RESULT_NO_STEAM_CLIENT
		if reply["error_code"] == _ERROR_VERSION_MISMATCH:
			status = STEAM_API_INIT_RESULT_VERSION_MISMATCH
		elif reply["error_code"] > 0:
			status = STEAM_API_INIT_RESULT_FAILED_GENERIC
		return _failure(status, "the steamsim server at %s refused to attach Steam ID %s: %s" % [server, id_text, reply["error"]])
	var welcome = reply["body"]
	welcome.get_u16()
	welcome.get_u8()
	_own_steam_id = welcome.get_u64()
	return {"status": STEAM_API_INIT_RESULT_OK, "verbal": "Steamworks active."}


func _failure(status, text):
	_disconnect()
	return {"status": status, "verbal": text}


func _disconnect():
	if _tcp != null:
		_tcp.disconnect_from_host()
	_tcp = null
	_attached = false
	set_process(false)


# ---------------------------------------------------------------------------------------
# Frames.

# One request and its response body (a StreamPeerBuffer positioned at the body), or null
# after pushing the reason to Godot's error log.
func _call(type, body, caller):
	var reply = _exchange(type, body, caller)
	if reply["body"] == null:
		push_error("steamsim: %s: %s" % [caller, reply["error"]])
	return reply["body"]


func _exchange(type, body, caller):
	var outcome = {"body": null, "error": "", "error_code": 0}
	if not _attached:
		outcome["error"] = "not attached"
		return outcome
	var request_id = _next_request_id
	_next_request_id = (_next_request_id % 0x7FFFFFFF) + 1
	var payload = body.data_array
	var frame = StreamPeerBuffer.new()
	frame.put_u32(6 + payload.size())
	frame.put_u16(type)
	frame.put_u32(request_id)
	frame.put_data(payload)
	if _tcp.put_data(frame.data_array) != OK:
		outcome["error"] = _fail_connection("the connection to the steamsim server is closed")
		return outcome
	var deadline = _now_usec() + _timeout_usec
	var header = _read_exact(_HEADER_BYTES, deadline)
	if header == null:
		outcome["error"] = _fail_connection(_read_failure)
		return outcome
	var length = header.get_u32()
	var reply_type = header.get_u16()
	var reply_id = header.get_u32()
	if length < 6 or length > _MAX_FRAME_LENGTH:
		outcome["error"] = _fail_connection("the server sent a frame of length %d" % length)
		return outcome
	var reply = _read_exact(length - 6, deadline)
	if reply == null:
		outcome["error"] = _fail_connection(_read_failure + " in the middle of a frame")
		return outcome
	if reply_type == _FRAME_ERROR:
		var code = reply.get_u32()
		var fatal = reply.get_u8() != 0
		var text = reply.get_utf8_string()
		outcome["error_code"] = code
		outcome["error"] = "server error %d: %s" % [code, text]
		if fatal:
			_fail_connection("")
		return outcome
	if reply_type != (type | _FRAME_RESPONSE) or reply_id != request_id:
		outcome["error"] = _fail_connection("unexpected frame 0x%x (request %d) from the server" % [reply_type, reply_id])
		return outcome
	outcome["body"] = reply
	return outcome


# Exactly `count` bytes as a StreamPeerBuffer, or null on timeout or a closed connection.
# get_partial_data never blocks and reports a connection closed by the server at once.
func _read_exact(count, deadline):
	var buffer = StreamPeerBuffer.new()
	var missing = count
	while missing > 0:
		var chunk = _tcp.get_partial_data(missing)
		if chunk[0] != OK:
			_read_failure = "the steamsim server closed the connection"
			return null
		if chunk[1].size() > 0:
			buffer.put_data(chunk[1])
			missing -= chunk[1].size()
			continue
		if _tcp_status() != StreamPeerTCP.STATUS_CONNECTED:
			_read_failure = "the steamsim server closed the connection"
			return null
		if _now_usec() > deadline:
			_read_failure = "no answer from the steamsim server within %d ms" % (_timeout_usec / 1000)
			return null
		OS.delay_usec(50)
	buffer.seek(0)
	return buffer


# Drops the connection after a transport or protocol failure; returns `text` for the caller
# to report (once).
func _fail_connection(text):
	_disconnect()
	return text


func _tcp_status():
	if _godot4:
		_tcp.call("poll")
	return _tcp.get_status()


func _now_usec():
	if _godot4:
		return Engine.get_singleton("Time").call("get_ticks_usec")
	return OS.call("get_ticks_usec")


# ---------------------------------------------------------------------------------------
# Arguments.

func _bool_call(type, caller, remote_steam_id, channel):
	if not _check_attached(caller):
		return false
	if not _is_int(remote_steam_id):
		return _argument_error(caller, "remote_steam_id must be an integer", false)
	var body = StreamPeerBuffer.new()
	body.put_u64(int(remote_steam_id))
	if channel != null:
		body.put_32(int(channel))
	var reply = _call(type, body, caller)
	if reply == null:
		return false
	return reply.get_u8() != 0


func _check_attached(caller):
	if _attached:
		return true
	push_error("steamsim: Steam.%s called before a successful steamInit (or after the server went away)" % caller)
	return false


func _argument_error(caller, text, value):
	push_error("steamsim: Steam.%s: %s" % [caller, text])
	return value


func _is_int(value):
	if typeof(value) == TYPE_INT:
		return true
	return typeof(value) == _float_type and value == floor(value)


func _is_flag(value):
	return typeof(value) == TYPE_BOOL or typeof(value) == TYPE_INT


func _as_bool(value):
	if typeof(value) == TYPE_BOOL:
		return value
	return typeof(value) == TYPE_INT and value != 0


# A byte array from `data` (a byte array, or an Array of integers 0..255 as Godot would
# convert it), or null.
func _to_bytes(data):
	if typeof(data) == _byte_array_type:
		return data
	if typeof(data) != TYPE_ARRAY:
		return null
	var buffer = StreamPeerBuffer.new()
	for value in data:
		if typeof(value) != TYPE_INT or value < 0 or value > 255:
			return null
		buffer.put_u8(value)
	return buffer.data_array


func _get_bytes(reply):
	var size = reply.get_u32()
	if size == 0:
		return StreamPeerBuffer.new().data_array
	return reply.get_data(size)[1]
