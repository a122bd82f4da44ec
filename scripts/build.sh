#!/usr/bin/env bash
# Configures and builds chunkhouse (library, command, tests, Python extension) in build/.
#   scripts/build.sh [-DOPTION=VALUE ...]   (options are applied to the configuration)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ] || [ "$#" -gt 0 ]; then
  cmake -S . -B build -G Ninja -DPython_EXECUTABLE="$PWD/.venv/bin/python" "$@" >/dev/null
fi
ninja -C build -j"$(nproc)"
