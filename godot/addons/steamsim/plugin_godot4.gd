# SPDX-License-Identifier: MIT
@tool
extends EditorPlugin
# Godot 4 spelling of plugin.gd: registers the `Steam` autoload while the addon is enabled.


func _enter_tree():
	add_autoload_singleton("Steam", "res://addons/steamsim/steam.gd")


func _exit_tree():
	remove_autoload_singleton("Steam")
