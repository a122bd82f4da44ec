#!/usr/bin/env bash
# Set everything up and run all tests: C++ (ctest), a short fuzzing run of the .rrd reader,
# the installable wheel, and the Python package against the rerun-sdk oracle (pytest).
#   FUZZ_SECONDS=60 (default) sets the fuzzing time; CHUNKHOUSE_PROPERTY_EXAMPLES=50 runs
#   the property-based tests longer (default 3 batches of 12 random recordings).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
scripts/setup.sh --reference
scripts/build.sh -DCHUNKHOUSE_WERROR=ON   # warnings are errors here

echo "==> layering (includes point down the layers)"
scripts/check_layers.sh

echo "==> C++ tests"
ctest --test-dir build --output-on-failure -j"$(nproc)"

echo "==> fuzzing the .rrd reader, the selector language, the MCAP container, ROS 2 decoding and URDF (${FUZZ_SECONDS:-60} s each)"
scripts/fuzz.sh "${FUZZ_SECONDS:-60}"

echo "==> the wheel: build it, install it in a fresh environment, use it"
rm -rf build/dist build/wheel-venv
.venv/bin/pip wheel -q --no-build-isolation --no-deps -w build/dist . -Cbuild-dir=build/wheel
python3 -m venv build/wheel-venv
build/wheel-venv/bin/pip install -q --disable-pip-version-check build/dist/chunkhouse-*.whl
(cd /tmp && "$repo/build/wheel-venv/bin/python" -c "
import chunkhouse
reader = chunkhouse.experimental.RrdReader('$repo/../shared/fixtures/rrd/third_party/oracle_text_log.rrd')
assert [e.application_id for e in reader.recordings()] == ['oracle_phase1'], reader.recordings()
print('wheel OK:', chunkhouse.__file__)")
build/wheel-venv/bin/chunkhouse rrd verify ../shared/fixtures/rrd/third_party/oracle_text_log.rrd

echo "==> Python tests"
PYTHONPATH="$repo/build/python" CHUNKHOUSE_BIN="$repo/build/chunkhouse" .venv/bin/python -m pytest -q tests
