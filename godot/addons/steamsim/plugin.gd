# SPDX-License-Identifier: MIT
tool
extends EditorPlugin
# Registers the `Steam` autoload when the addon is enabled and removes it when disabled.
# Godot 3 spelling (`tool`); Godot 4 projects point plugin.cfg at plugin_godot4.gd or
# add the autoload by hand (README.md).


func _enter_tree():
	add_autoload_singleton("Steam", "res://addons/steamsim/steam.gd")


func _exit_tree():
	remove_autoload_singleton("Steam")
