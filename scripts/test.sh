#!/usr/bin/env bash
# Sets up, builds and runs every test: unit tests per module and the
# end-to-end tests against real servers on 127.0.0.1.
#   scripts/test.sh              normal build in build/
#   SANITIZE=1 scripts/test.sh   ASan+UBSan build in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
args=(-DCMAKE_COMPILE_WARNING_AS_ERROR=ON)
if [ "${SANITIZE:-0}" = 1 ]; then
  export BUILD_DIR=${BUILD_DIR:-build-asan}
  args+=(-DTRIBUTARY_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi
BUILD_DIR=${BUILD_DIR:-build}
export BUILD_DIR
scripts/build.sh "${args[@]}"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)" --timeout 600
