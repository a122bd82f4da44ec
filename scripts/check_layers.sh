#!/usr/bin/env bash
# Checks that every #include of a chunkhouse header points down the layers of ARCHITECTURE.md
# (or within its own layer): base, io, chunk, urdf (robot descriptions, which mcap reads), rrd, parquet and mcap (beside each other), transform, store, query, catalog, redap, then server
# and client (which do not include each other), then cli. Prints each violation; exits 1 on any.
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A rank=([base]=0 [io]=1 [chunk]=2 [urdf]=3 [rrd]=4 [parquet]=4 [mcap]=4 [transform]=5 [store]=6 [query]=7 [catalog]=8 [redap]=9 [server]=10 [client]=10 [cli]=11)
bad=0
while IFS= read -r file; do
  layer=$(echo "$file" | cut -d/ -f3)
  [ -n "${rank[$layer]:-}" ] || { echo "$file: in no known layer"; bad=1; continue; }
  while IFS= read -r inc; do
    target=$(echo "$inc" | sed -E 's#.*"chunkhouse/([a-z_]+)/.*#\1#')
    [ -n "${rank[$target]:-}" ] || { echo "$file: includes $inc, which is in no known layer"; bad=1; continue; }
    if [ "$target" != "$layer" ] && { [ "${rank[$target]}" -gt "${rank[$layer]}" ] || [ "${rank[$target]}" -eq "${rank[$layer]}" ]; }; then
      echo "$file ($layer) includes $inc ($target): a layer may only include layers below it"
      bad=1
    fi
  done < <(grep -oE '#include "chunkhouse/[a-z_]+/[^"]+"' "$file" || true)
done < <(find src/chunkhouse -name '*.h' -o -name '*.cc' | grep -v '_test.cc$' | sort)
[ "$bad" -eq 0 ] && echo "layers: every include points down"
exit "$bad"
