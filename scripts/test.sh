#!/usr/bin/env bash
# Set everything up and run all tests: C++ (ctest), the Python package against the rerun-sdk
# oracle (pytest), and a short fuzzing run of the .rrd reader.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --reference
scripts/build.sh
echo "==> C++ tests"
ctest --test-dir build --output-on-failure -j"$(nproc)"
echo "==> Python tests"
PYTHONPATH="$PWD/build/python" CHUNKHOUSE_BIN="$PWD/build/chunkhouse" .venv/bin/python -m pytest -q tests
echo "==> fuzzing the .rrd reader (${FUZZ_SECONDS:-60} s)"
scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
