#!/usr/bin/env bash
# Runs the sandbox bench against a native CPython + numpy baseline measured in the same run.
#   bash benches/run.sh            # per-run overhead, 1M / 10M generation, transfer, cached load
#   bash benches/run.sh --compile  # also the first (cold) compile of python.wasm (~1-2 min)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet numpy
fi
cargo bench --locked --bench sandbox -- --python "$venv/bin/python" "$@"
