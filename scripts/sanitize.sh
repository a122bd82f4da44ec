#!/usr/bin/env bash
# Builds the chunkhouse command with AddressSanitizer and UndefinedBehaviorSanitizer (build-asan/)
# and runs the server tests against it: the C++ malformed-request, hostile-request and
# disconnect tests, and the Python server, hostile-file and client suites. Any sanitizer report stops the server, which fails the tests.
# Slow (a separate build): not part of scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
scripts/build.sh
if [ ! -f build-asan/build.ninja ]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" -DPython_EXECUTABLE="$repo/.venv/bin/python" \
    -DCHUNKHOUSE_BUILD_TESTS=OFF -DCHUNKHOUSE_BUILD_PYTHON=OFF -DCHUNKHOUSE_BUILD_EXAMPLES=OFF >/dev/null
fi
ninja -C build-asan chunkhouse
# A small quarantine: the tests measure the server's memory, which a large one would inflate.
export ASAN_OPTIONS=detect_leaks=0:quarantine_size_mb=16 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
CHUNKHOUSE_SERVER_BIN="$repo/build-asan/chunkhouse" build/chunkhouse_server_tests
PYTHONPATH="$repo/build/python" CHUNKHOUSE_BIN="$repo/build-asan/chunkhouse" \
  .venv/bin/python -m pytest -q tests/python/test_server.py tests/python/test_server_hostile.py \
  tests/python/test_catalog_client.py
