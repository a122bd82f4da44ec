#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for N seconds (default 60):
# the .rrd reader, seeded with real files; the selector language, seeded with valid selectors and
# a token dictionary; the MCAP container and importer; ROS 2 definitions and CDR payloads (reflection
# and the ros2msg types), seeded with the ROS 2 test fixtures; URDF robot descriptions (XML,
# model, chunks). Crashes land in fuzz-artifacts/.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (targets: fuzz_rrd_reader fuzz_selector fuzz_mcap fuzz_ros2
#                                              fuzz_urdf; default all)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(fuzz_rrd_reader fuzz_selector fuzz_mcap fuzz_ros2 fuzz_urdf)
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
ninja -C build-fuzz "${targets[@]}"
mkdir -p fuzz-artifacts

for target in "${targets[@]}"; do
  echo "== $target: $seconds s"
  case "$target" in
    fuzz_rrd_reader)
      corpus=build-fuzz/corpus
      mkdir -p "$corpus"
      cp -n ../shared/fixtures/rrd/third_party/*.rrd "$corpus"/ 2>/dev/null || true
      if [ -x build/chunkhouse ] && [ ! -f "$corpus/sample.rrd" ]; then
        build/chunkhouse sample --frames 5 "$corpus/sample.rrd" >/dev/null
        build/chunkhouse rrd rewrite "$corpus/sample.rrd" --no-compress -o "$corpus/sample_raw.rrd"
      fi
      extra=(-max_len=1048576) ;;
    fuzz_selector)
      corpus=build-fuzz/corpus-selector
      mkdir -p "$corpus"
      n=0
      while IFS= read -r line; do
        n=$((n + 1))
        printf '%s' "$line" > "$corpus/seed_$n"
      done < src/chunkhouse/transform/fuzz_selector_seeds.txt
      extra=(-max_len=512 -dict=src/chunkhouse/transform/fuzz_selector.dict) ;;
    fuzz_mcap)
      corpus=build-fuzz/corpus-mcap
      mkdir -p "$corpus"
      .venv/bin/python src/chunkhouse/mcap/fuzz_mcap_seeds.py "$corpus"
      extra=(-max_len=65536) ;;
    fuzz_ros2)
      corpus=build-fuzz/corpus-ros2
      mkdir -p "$corpus"
      .venv/bin/python src/chunkhouse/mcap/fuzz_ros2_seeds.py "$corpus"
      extra=(-max_len=16384 -dict=src/chunkhouse/mcap/fuzz_ros2.dict) ;;
    fuzz_urdf)
      corpus=build-fuzz/corpus-urdf
      mkdir -p "$corpus"
      .venv/bin/python src/chunkhouse/urdf/fuzz_urdf_seeds.py "$corpus"
      extra=(-max_len=16384 -dict=src/chunkhouse/urdf/fuzz_urdf.dict) ;;
    *) echo "unknown target $target"; exit 2 ;;
  esac
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    "build-fuzz/$target" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    "${extra[@]}" -artifact_prefix="fuzz-artifacts/$target-" -print_final_stats=1 2>&1 | tail -n 25
done
