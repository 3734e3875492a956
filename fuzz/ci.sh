#!/usr/bin/env bash
# Builds every cargo-fuzz target and runs each for a bounded time, failing on any crash.
#
#   fuzz/ci.sh                 # 60 s per target
#   FUZZ_SECONDS=600 fuzz/ci.sh
#
# Each target starts from its committed seeds (fuzz/seeds/<target>/, read only) and from its
# corpus (fuzz/corpus/<target>/, git-ignored, kept between runs on the same machine), and writes
# what it finds to the corpus. A crash, panic, failed assertion, timeout (-timeout, seconds per
# input) or memory blow-up (-rss_limit_mb) makes libFuzzer exit non-zero, and this script with it;
# the reproducer lands in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
secs="${FUZZ_SECONDS:-60}"
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
# cargo-fuzz passes nightly-only flags to rustc; the stable toolchain accepts them with this.
export RUSTC_BOOTSTRAP=1
cargo fuzz build -s none
targets=$(cargo fuzz list)
for t in $targets; do
    mkdir -p "corpus/$t"
    dirs=("corpus/$t")
    if [ -d "seeds/$t" ]; then
        dirs+=("seeds/$t")
    fi
    echo "fuzz: $t for ${secs}s from ${dirs[*]}"
    cargo fuzz run -s none "$t" "${dirs[@]}" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1
done
echo "fuzz: every target ran ${secs}s without a crash: $targets"
