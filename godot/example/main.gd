# SPDX-License-Identifier: MIT
extends Node
# The lobby game's entry point. It initialises Steam as a GodotSteam game does, then
# hosts or joins a lobby and prints the lobby's life (members, chat) to the console.
#
# User arguments (after `--`): --join=HOST_STEAM_ID to join (otherwise host),
# --name=NAME, and --bot=... for a scripted headless player (bot.gd).

const Lobby = preload("res://lobby.gd")
const Bot = preload("res://bot.gd")

var lobby = null
var _frame = 0


func _ready():
	set_process(false)
	var arguments = _game_arguments()
	var init = Steam.steamInitEx(false, 480, false)
	if init["status"] != Steam.STEAM_API_INIT_RESULT_OK:
		print("Steam is not available (%d): %s" % [init["status"], init["verbal"]])
		get_tree().quit(2)
		return
	lobby = Lobby.new()
	add_child(lobby)
	lobby.connect_signal("member_joined", self, "_on_member_joined")
	lobby.connect_signal("member_left", self, "_on_member_left")
	lobby.connect_signal("chat_received", self, "_on_chat_received")
	lobby.connect_signal("connection_lost", self, "_on_connection_lost")
	var player_name = arguments.get("name", "player-%d" % (Steam.getSteamID() % 1000))
	if arguments.has("join"):
		lobby.join_lobby(int(arguments["join"]), player_name)
		print("%s (%d) joining the lobby of %s" % [player_name, Steam.getSteamID(), arguments["join"]])
	else:
		lobby.host_lobby(player_name)
		print("%s (%d) hosting a lobby" % [player_name, Steam.getSteamID()])
	if arguments.has("bot"):
		var bot = Bot.new()
		add_child(bot)
		bot.configure(lobby, arguments)
		print("STEAMSIM-BOT ready %d" % Steam.getSteamID())
	else:
		set_process(true)


# Without a bot: greet once, then walk in a circle.
func _process(_delta):
	_frame += 1
	if _frame == 1:
		lobby.send_chat("hello from %s" % lobby.my_name)
	lobby.send_position(Vector2(100 + 50 * cos(_frame / 30.0), 100 + 50 * sin(_frame / 30.0)))


func _on_member_joined(steam_id, player_name):
	print("joined: %s (%d)" % [player_name, steam_id])


func _on_member_left(steam_id):
	print("left: %d" % steam_id)


func _on_chat_received(sender, text):
	print("[%d] %s" % [sender, text])


func _on_connection_lost(steam_id, reason, connection_state, debug_message):
	print("connection to %d lost: reason %d, state %d, %s" % [steam_id, reason, connection_state, debug_message])


# "--key=value" user arguments as a dictionary (Godot 3 and 4 pass them differently).
func _game_arguments():
	var raw = []
	for argument in OS.get_cmdline_args():
		raw.append(argument)
	if int(Engine.get_version_info()["major"]) >= 4:
		for argument in OS.call("get_cmdline_user_args"):
			raw.append(argument)
	var arguments = {}
	for argument in raw:
		var text = str(argument)
		if text.begins_with("--") and text.find("=") > 2:
			var equals = text.find("=")
			arguments[text.substr(2, equals - 2)] = text.substr(equals + 1, text.length())
	return arguments
