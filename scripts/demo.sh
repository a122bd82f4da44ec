#!/usr/bin/env bash
# The main job on the built-in sample: set everything up, write a sample recording with our
# writer, and show it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
mkdir -p out
build/chunkhouse sample out/sample.rrd
build/chunkhouse rrd print out/sample.rrd
build/chunkhouse rrd stats out/sample.rrd
build/chunkhouse rrd verify out/sample.rrd
