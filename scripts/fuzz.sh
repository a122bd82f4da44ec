#!/usr/bin/env bash
# Builds the libFuzzer target for the .rrd reader with clang (ASan + UBSan) and runs it for
# N seconds (default 60), seeded with real files. Crashes land in fuzz-artifacts/.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
for p in clang libclang-rt-14-dev; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq clang libclang-rt-14-dev >/dev/null
    break
  fi
done
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPython_EXECUTABLE="$PWD/.venv/bin/python" -DCHUNKHOUSE_BUILD_FUZZERS=ON \
    -DCHUNKHOUSE_BUILD_TESTS=OFF -DCHUNKHOUSE_BUILD_PYTHON=OFF -DCHUNKHOUSE_BUILD_CLI=OFF -DCHUNKHOUSE_BUILD_EXAMPLES=OFF >/dev/null
fi
ninja -C build-fuzz fuzz_rrd_reader

corpus=build-fuzz/corpus
mkdir -p "$corpus" fuzz-artifacts
cp -n ../shared/fixtures/rrd/third_party/*.rrd "$corpus"/ 2>/dev/null || true
if [ -x build/chunkhouse ] && [ ! -f "$corpus/sample.rrd" ]; then
  build/chunkhouse sample --frames 5 "$corpus/sample.rrd" >/dev/null
  build/chunkhouse rrd rewrite "$corpus/sample.rrd" --no-compress -o "$corpus/sample_raw.rrd"
fi
ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
  build-fuzz/fuzz_rrd_reader "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -max_len=1048576 -artifact_prefix=fuzz-artifacts/ -print_final_stats=1 2>&1 | tail -n 25
