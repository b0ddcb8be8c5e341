#!/usr/bin/env bash
# Installs everything Tributary needs to build, test and benchmark on
# Debian 12, from Debian's own packages. Safe to run again.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libcurl4-openssl-dev libpugixml-dev libyaml-cpp-dev libsqlitecpp-dev libsqlite3-dev
  libboost-all-dev libgtest-dev libgmock-dev libbenchmark-dev libgumbo-dev
  libhowardhinnant-date-dev libkainjow-mustache-dev nlohmann-json3-dev libcli11-dev
  libspdlog-dev libsystemd-dev zlib1g-dev libxxhash-dev tzdata libpqxx-dev
  scdoc  # man pages from docs/man/*.scd (optional: the build works without)
)
# Only for the tests: real servers and validators they talk to.
test_packages=(
  python3 python3-feedparser python3-aiosmtpd libxml2-utils sqlite3 curl time clang-format
  postgresql  # tests/common/pg_server.cc starts a throwaway PostgreSQL 15
  # scripts/package-test.sh: cpack's dpkg-shlibdeps, man -w, systemd-analyze.
  dpkg-dev man-db systemd
)

missing=()
for p in "${packages[@]}" "${test_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
