#!/usr/bin/env bash
# Configures and builds chunkhouse (library, command, tests, Python extension) in build/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DPython_EXECUTABLE="$PWD/.venv/bin/python" "$@"
fi
ninja -C build -j"$(nproc)"
