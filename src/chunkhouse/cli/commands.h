#pragma once
// The chunkhouse command's subcommands, one group per file. Each Add* function declares its
// subcommands on the app and runs them from a CLI11 callback; a failure ends the process with
// CLI::RuntimeError(exit code) after printing "error: ...".
#include <CLI/CLI.hpp>

#include "chunkhouse/base/status.h"

namespace chunkhouse::cli {

void AddRrdCommands(CLI::App& app);     // rrd print | stats | verify | rewrite, and sample
void AddPipelineCommands(CLI::App& app);  // rrd compact | merge | filter (after AddRrdCommands)
void AddServerCommand(CLI::App& app);   // server
void AddImportCommand(CLI::App& app);   // import (Parquet -> .rrd)
void AddQueryCommand(CLI::App& app);    // query (-> Parquet, CSV, Arrow)

// Prints a failed status as "error: ..." and ends the command with exit code 1.
void Check(const Status& st);

}  // namespace chunkhouse::cli
