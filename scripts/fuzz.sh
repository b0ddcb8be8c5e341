#!/usr/bin/env bash
# Builds the feed parser's libFuzzer target (clang-14, ASan+UBSan) and fuzzes
# it for N seconds (default 60), replaying the seed corpus and every
# regression case in fuzz/corpus/feed first. See fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
if ! command -v clang++-14 >/dev/null || [ ! -d /usr/lib/llvm-14/lib/clang ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get install -y -qq clang-14 libclang-rt-14-dev >/dev/null
fi
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -G Ninja -DTRIBUTARY_FUZZ=ON \
  -DTRIBUTARY_SANITIZE=ON -DTRIBUTARY_BUILD_TESTS=OFF -DTRIBUTARY_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz --target fuzz_feed -j "$(nproc)"
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
build-fuzz/fuzz/fuzz_feed "$corpus" fuzz/corpus/feed -max_total_time="$seconds" \
  -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 2>&1 | tail -n 25
