# SPDX-License-Identifier: MIT
extends Node
# Checks of the steamsim addon alone, run by headless Godot (tests/godot/addon_test.cpp).
# `--check=NAME` picks one; each prints "STEAMSIM-REPORT {json}" and quits. The C++ side
# holds the expected values, so a wrong constant or return value fails there.

const Report = preload("res://bot.gd")

var report = {}


func _ready():
	var check = ""
	for argument in OS.get_cmdline_args():
		if str(argument).begins_with("--check="):
			check = str(argument).substr(8, str(argument).length())
	if check == "constants":
		_constants()
	elif check == "absent":
		_absent()
	elif check == "attached":
		_attached()
	elif check == "server_lost":
		_server_lost()
	else:
		report["error"] = "unknown check '%s'" % check
	print("STEAMSIM-REPORT " + Report._json(report))
	get_tree().quit(0)


func _usec():
	if int(Engine.get_version_info()["major"]) >= 4:
		return Engine.get_singleton("Time").call("get_ticks_usec")
	return OS.call("get_ticks_usec")


# Every constant and signal the autoload declares.
func _constants():
	report["constants"] = Steam.get_script().get_script_constant_map()
	var public = {}
	for name in report["constants"]:
		if not str(name).begins_with("_"):
			public[name] = report["constants"][name]
	report["constants"] = public
	var signals = []
	for description in Steam.get_script().get_script_signal_list():
		var arguments = []
		for argument in description["args"]:
			arguments.append(argument["name"])
		signals.append({"name": description["name"], "args": arguments})
	report["signals"] = signals
	var methods = []
	for description in Steam.get_script().get_script_method_list():
		methods.append(description["name"])
	report["methods"] = methods


# What every call returns before steamInit, then steamInit with nothing listening.
func _every_call():
	var results = {}
	results["send"] = Steam.sendMessageToUser(76561198000000002, StreamPeerBuffer.new().data_array, Steam.NETWORKING_SEND_RELIABLE, 0)
	results["receive"] = Steam.receiveMessagesOnChannel(0, 10)
	results["accept"] = Steam.acceptSessionWithUser(76561198000000002)
	results["close_session"] = Steam.closeSessionWithUser(76561198000000002)
	results["close_channel"] = Steam.closeChannelWithUser(76561198000000002, 0)
	results["info"] = Steam.getSessionConnectionInfo(76561198000000002, true, true)
	Steam.run_callbacks()
	results["steam_id"] = Steam.getSteamID()
	results["running"] = Steam.isSteamRunning()
	results["logged_on"] = Steam.loggedOn()
	return results


func _absent():
	report["before_init"] = _every_call()
	var start = _usec()
	report["init_ex"] = Steam.steamInitEx(false, 480, false)
	report["init_ex_ms"] = (_usec() - start) / 1000
	report["init_ex_modern"] = Steam.steamInitEx(480, false)
	report["init_legacy"] = Steam.steamInit(true)
	report["init_modern"] = Steam.steamInit(480, false)
	report["init_result"] = Steam.get_steam_init_result()
	report["after_init"] = _every_call()


# Attached to a real server: argument validation and the start-up calls.
func _attached():
	var start = _usec()
	report["init_ex"] = Steam.steamInitEx(false, 480, false)
	report["init_ex_ms"] = (_usec() - start) / 1000
	report["processing_without_embed"] = Steam.is_processing()
	report["init_embedded"] = Steam.steamInitEx(480, true)
	report["processing_with_embed"] = Steam.is_processing()
	report["init_again"] = Steam.steamInitEx(480, false)
	report["processing_after_unembed"] = Steam.is_processing()
	report["init_legacy"] = Steam.steamInit(true)
	report["init_modern"] = Steam.steamInit(480, false)
	report["steam_id"] = Steam.getSteamID()
	report["running"] = Steam.isSteamRunning()
	report["logged_on"] = Steam.loggedOn()
	var other = 76561198000000999
	var hi = StreamPeerBuffer.new()
	hi.put_u8(104)
	hi.put_u8(105)
	var oversize = StreamPeerBuffer.new()
	oversize.resize(Steam.MAX_STEAM_PACKET_SIZE + 1)
	var largest = StreamPeerBuffer.new()
	largest.resize(Steam.MAX_STEAM_PACKET_SIZE)
	var results = {}
	results["send_bytes"] = Steam.sendMessageToUser(other, hi.data_array, Steam.NETWORKING_SEND_RELIABLE, 3)
	results["send_int_array"] = Steam.sendMessageToUser(other, [104, 105], Steam.NETWORKING_SEND_UNRELIABLE, 3)
	results["send_float_channel"] = Steam.sendMessageToUser(other, hi.data_array, Steam.NETWORKING_SEND_RELIABLE, 3.0)
	# A Steam ID no process plays: its session stays connecting, so what is sent stays unsent.
	var nobody = 76561198000000998
	results["send_largest"] = Steam.sendMessageToUser(nobody, largest.data_array, Steam.NETWORKING_SEND_RELIABLE, 3)
	results["send_over_buffer"] = Steam.sendMessageToUser(nobody, hi.data_array, Steam.NETWORKING_SEND_RELIABLE, 3)
	results["send_oversize"] = Steam.sendMessageToUser(other, oversize.data_array, Steam.NETWORKING_SEND_RELIABLE, 3)
	results["send_to_zero"] = Steam.sendMessageToUser(0, hi.data_array, Steam.NETWORKING_SEND_RELIABLE, 3)
	results["send_string_data"] = Steam.sendMessageToUser(other, "hi", Steam.NETWORKING_SEND_RELIABLE, 3)
	results["send_bad_array"] = Steam.sendMessageToUser(other, [104, 300], Steam.NETWORKING_SEND_RELIABLE, 3)
	results["send_string_id"] = Steam.sendMessageToUser("76561198000000999", hi.data_array, Steam.NETWORKING_SEND_RELIABLE, 3)
	results["send_string_channel"] = Steam.sendMessageToUser(other, hi.data_array, Steam.NETWORKING_SEND_RELIABLE, "3")
	results["receive_zero"] = Steam.receiveMessagesOnChannel(3, 0)
	results["receive_negative"] = Steam.receiveMessagesOnChannel(3, -5)
	results["receive_nothing"] = Steam.receiveMessagesOnChannel(-42, 10)
	results["receive_string_channel"] = Steam.receiveMessagesOnChannel("3", 10)
	results["accept_unknown"] = Steam.acceptSessionWithUser(76561198000000777)
	results["accept_string_id"] = Steam.acceptSessionWithUser("x")
	results["accept_self_initiated"] = Steam.acceptSessionWithUser(other)
	results["close_channel_not_received"] = Steam.closeChannelWithUser(other, 3)
	results["close_channel_string"] = Steam.closeChannelWithUser(other, "3")
	results["close_session_unknown"] = Steam.closeSessionWithUser(76561198000000777)
	results["info_unknown"] = Steam.getSessionConnectionInfo(76561198000000777, true, true)
	results["info_bad_flags"] = Steam.getSessionConnectionInfo(other, "yes", true)
	results["info_other"] = Steam.getSessionConnectionInfo(other, true, false)
	results["close_session_other"] = Steam.closeSessionWithUser(other)
	results["close_session_other_again"] = Steam.closeSessionWithUser(other)
	Steam.run_callbacks()
	report["results"] = _plain(results)
	Steam.steamShutdown()
	report["running_after_shutdown"] = Steam.isSteamRunning()
	report["steam_id_after_shutdown"] = Steam.getSteamID()


# Attached, then the server stops: calls fail fast with the guard values.
func _server_lost():
	report["init_ex"] = Steam.steamInitEx(false, 480, false)
	print("STEAMSIM-CHECK attached")
	# The driver stops the server once it reads the line above; wait for the close.
	var start = _usec()
	var send_result = Steam.RESULT_OK
	while send_result == Steam.RESULT_OK and _usec() - start < 20000000:
		send_result = Steam.sendMessageToUser(76561198000000999, StreamPeerBuffer.new().data_array, Steam.NETWORKING_SEND_UNRELIABLE, 0)
	report["send_after_loss"] = send_result
	report["wait_ms"] = (_usec() - start) / 1000
	report["running"] = Steam.isSteamRunning()
	report["receive_after_loss"] = Steam.receiveMessagesOnChannel(0, 10)
	report["info_after_loss"] = Steam.getSessionConnectionInfo(76561198000000999, true, true)


func _plain(dictionary):
	var plain = {}
	for key in dictionary:
		var value = dictionary[key]
		var type_name = Report._type_name(value)
		if type_name == "bytes":
			plain[key] = value.size()
		elif type_name == "Array":
			plain[key] = {"array_size": value.size()}
		else:
			plain[key] = value
	return plain
