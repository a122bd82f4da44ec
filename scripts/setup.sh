#!/usr/bin/env bash
# Sets up everything chunkhouse needs on a fresh Debian 12 machine: system packages, the
# project's virtual environment (.venv) and, with --reference, the rerun-sdk oracle (.venv-rerun).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config python3-venv
  libprotobuf-dev protobuf-compiler libgrpc++-dev protobuf-compiler-grpc
  liblz4-dev libzstd-dev libxxhash-dev libssl-dev openssl libsqlite3-dev libexpat1-dev
  libcli11-dev libfmt-dev libgtest-dev libgmock-dev libbenchmark-dev
  mesa-vulkan-drivers libvulkan1  # lavapipe: the headless Rerun viewer in the viewer tests
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "==> installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  python3 -m venv .venv
fi
echo "==> installing Python build and test requirements into .venv"
# The build requirements are pinned once, in pyproject.toml.
mapfile -t build_reqs < <(.venv/bin/python -c '
import tomllib
print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))')
.venv/bin/pip install -q --disable-pip-version-check "${build_reqs[@]}" -r requirements-dev.txt

if [ "${1:-}" = "--reference" ]; then
  echo "==> setting up the rerun-sdk reference environment (.venv-rerun)"
  python3 tools/reference/harness.py setup
  echo "==> setting up rerun-sdk 0.41 as a second client (.venv-rerun-041)"
  CHUNKHOUSE_REF_VENV="$PWD/.venv-rerun-041" CHUNKHOUSE_REF_REQUIREMENTS="$PWD/tools/reference/requirements-0.41.txt" \
    python3 tools/reference/harness.py setup
fi
