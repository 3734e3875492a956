"""Run llama.cpp's HTTP server (from the xllamacpp wheel) on 127.0.0.1, on a free port.

Usage: python serve.py MODEL.gguf URL_FILE [ALIAS]

Loads the model, lets the OS pick a free port (port 0), checks /health, then writes the base URL
to URL_FILE atomically (temp + rename) and serves until SIGTERM/SIGINT. The server threads live in
this process; ending it ends the server.
"""

import json
import os
import signal
import sys
import threading
import time
import urllib.request


def main() -> int:
    model, url_file = sys.argv[1], sys.argv[2]
    alias = sys.argv[3] if len(sys.argv) > 3 else "smollm2"
    t0 = time.monotonic()
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = model
    params.model_alias = {alias}
    params.hostnames = ["127.0.0.1"]
    params.port = 0  # the OS picks a free port; listening_address reports it
    # 8192 (SmolLM2's trained context): `sdg new` sends the whole spec schema in the prompt (~7k tokens).
    params.n_ctx = int(os.environ.get("SDG_LLM_CTX", "8192"))
    params.n_parallel = 1
    # One thread: with two, llama.cpp's spinning thread pool is ~10x slower whenever another
    # process (a cargo build, the tests) wants a core; measured in NOTES.md.
    threads = int(os.environ.get("SDG_LLM_THREADS", "1"))
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    server = xlc.Server(params)
    base = server.listening_address
    with urllib.request.urlopen(base + "/health", timeout=30) as r:
        health = json.load(r)
    if health.get("status") != "ok":
        print(f"serve.py: /health answered {health}", file=sys.stderr)
        return 1
    tmp = url_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(base + "\n")
    os.replace(tmp, url_file)
    print(f"serve.py: {base} ready in {time.monotonic() - t0:.1f}s", flush=True)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(1.0):
        pass
    try:
        os.remove(url_file)
    except FileNotFoundError:
        pass
    # Skip interpreter teardown of the native server threads.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
