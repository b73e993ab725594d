#!/usr/bin/env bash
# Export a commit (default HEAD) into bench/data/snapshot-SHA and print that folder, so that a
# benchmark measures committed code only, not whatever others are editing in this checkout.
#
#   cd "$(bench/snapshot.sh)" && CHIBO_SQLITE_PATH=/work/main/bench/data/district.sqlite3 \
#     /work/main/.venv/bin/python bench/run.py --scale district --out /work/main/bench/results
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
rev=$(git -C "$HERE/.." rev-parse "${1:-HEAD}")
dir="$HERE/data/snapshot-${rev:0:12}"
if [ ! -f "$dir/.snapshot-commit" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  git -C "$HERE/.." archive "$rev" | tar -x -C "$dir"
  echo "$rev" >"$dir/.snapshot-commit"
fi
echo "$dir"
