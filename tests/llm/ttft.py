"""Time to first token of chat prompts against an OpenAI-compatible server (llama.cpp's).

Usage: python ttft.py BASE_URL LABEL=MESSAGES.json[:warm] ...

Each MESSAGES.json holds a chat message list (`cargo run --example spec_prompt -- ...` prints
one). Each prompt is sent streamed with max_tokens 1, in the order given. Plain: with llama.cpp's
prompt cache off (`cache_prompt: false`), a cold prompt. `:warm`: with the cache on, so the
server reuses the longest prefix the previous request left in its slot (as a second `sdg new`
reuses the fixed part of the prompt when only the intent differs). Prints the prompt tokens the
server reports, the tokens it actually processed (llama.cpp `timings.prompt_n`), and the time to
the first streamed token.
"""

import json
import sys
import time
import urllib.request


def ask(base, messages, cache):
    body = {
        "model": "smollm2",
        "messages": messages,
        "max_tokens": 1,
        "temperature": 0,
        "seed": 1,
        "stream": True,
        "stream_options": {"include_usage": True},
        "cache_prompt": cache,
    }
    req = urllib.request.Request(
        base + "/v1/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    t0 = time.monotonic()
    first = None
    usage, timings = {}, {}
    with urllib.request.urlopen(req, timeout=3600) as r:
        for raw in r:
            line = raw.decode("utf-8", "replace").strip()
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                break
            chunk = json.loads(data)
            for c in chunk.get("choices") or []:
                if (c.get("delta") or {}).get("content") and first is None:
                    first = time.monotonic() - t0
            usage = chunk.get("usage") or usage
            timings = chunk.get("timings") or timings
    return usage.get("prompt_tokens"), timings.get("prompt_n"), first


def main():
    base = sys.argv[1].rstrip("/")
    print(f"{'prompt':<28} {'cache':<5} {'prompt tokens':>13} {'processed':>9} {'ttft s':>8}")
    for arg in sys.argv[2:]:
        label, path = arg.split("=", 1)
        warm = path.endswith(":warm")
        path = path.removesuffix(":warm")
        with open(path) as f:
            messages = json.load(f)
        n, processed, ttft = ask(base, messages, warm)
        ttft_s = f"{ttft:.2f}" if ttft is not None else "-"
        mode = "warm" if warm else "cold"
        print(f"{label:<28} {mode:<5} {n!s:>13} {processed!s:>9} {ttft_s:>8}", flush=True)


if __name__ == "__main__":
    main()
