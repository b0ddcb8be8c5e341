#!/usr/bin/env bash
# Configures and builds Tributary into build/ (or $BUILD_DIR).
# Extra arguments go to cmake's configure step.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# ccache, where installed, shares objects between checkouts (the compile
# commands hold no checkout path; see common/source_dir.h.in).
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(cd .. && pwd)}
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
fi
cmake -S . -B "$BUILD_DIR" "${generator[@]}" "${launcher[@]}" "$@"
cmake --build "$BUILD_DIR" -j "$(nproc)"
