// Sub-commands of `sitmap` register themselves here, one file each, so that adding a command never
// touches main.cpp. Every command calls the same library functions the window calls.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <utility>

namespace sitmap::app {

// Adds one sub-command (its options and callback) to the top-level parser.
using CommandSetup = std::function<void(CLI::App& top)>;

struct CommandRegistrar {
  CommandRegistrar(const char* name, CommandSetup setup);
};

void setup_all_commands(CLI::App& top);  // in name order, for a stable --help

// Options every command shares.
struct GlobalOptions {
  bool verbose = false;
};
GlobalOptions& global_options();

// "WIDTHxHEIGHT" (16..8192 each) of --size; throws Error(BadInput) naming the option.
std::pair<int, int> parse_size(const std::string& text);

}  // namespace sitmap::app
