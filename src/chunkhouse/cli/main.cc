// The chunkhouse command line.
#include <fmt/format.h>

#include <cstdlib>
#include <string_view>

#include "chunkhouse/base/version.h"
#include "chunkhouse/cli/commands.h"

namespace chunkhouse::cli {

void Check(const Status& st) {
  if (st.ok()) return;
  fmt::print(stderr, "error: {}\n", st.message());
  throw CLI::RuntimeError(1);
}

}  // namespace chunkhouse::cli

int main(int argc, char** argv) {
  using namespace chunkhouse;
  if (argc > 1 && std::string_view(argv[1]) == "server") {
    // A server allocates and frees the same sizes over and over: jemalloc keeps that memory,
    // while Arrow's default (mimalloc) returns it as huge pages the kernel zeroes again for the
    // next request (a fifth of registration's CPU). Set before Arrow picks its pool; a user's
    // own ARROW_DEFAULT_MEMORY_POOL wins.
    setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc", /*overwrite=*/0);
  }
  CLI::App app{"chunkhouse: store and query multimodal recordings (Rerun .rrd files)", "chunkhouse"};
  app.require_subcommand(1);
  app.set_version_flag("--version", fmt::format("chunkhouse {} (reads and writes the .rrd format of Rerun 0.36)", kVersion));
  cli::AddRrdCommands(app);
  cli::AddPipelineCommands(app);
  cli::AddImportCommand(app);
  cli::AddQueryCommand(app);
  cli::AddServerCommand(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
