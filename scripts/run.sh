#!/usr/bin/env bash
# Sets up everything on a fresh Debian 12 machine, builds, and runs the
# daemon in the foreground on the embedded default config
# (etc/tributary.example.yaml): SQLite in var/, outputs in public/, the
# built-in server on http://127.0.0.1:8080, digests to the maildir var/mail.
# Extra arguments go to `tributary run` (e.g. --log-level debug goes first:
# scripts/run.sh is `tributary [args] run -c etc/tributary.example.yaml`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
BUILD_DIR=${BUILD_DIR:-build} scripts/build.sh -DTRIBUTARY_BUILD_TESTS=OFF -DTRIBUTARY_BUILD_BENCH=OFF >/dev/null
exec "${BUILD_DIR:-build}/daemon/tributary" "$@" run -c etc/tributary.example.yaml
