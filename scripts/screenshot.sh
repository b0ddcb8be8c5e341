#!/usr/bin/env bash
# Takes a headless Chromium screenshot of a page, to look at the built-in
# server's HTML the way users will see it.
#
#   scripts/screenshot.sh URL|FILE OUT.png [WIDTH [HEIGHT [SCALE]]]
#
# WIDTH defaults to 1280 (desktop); use 390 for a phone. Pass a running
# server's URL (http://127.0.0.1:8080/status) or an .html file. Needs the
# Debian package chromium (`apt-get install -y chromium`). Output PNGs are
# for looking at, not for committing. COLOR_SCHEME=dark renders the page as
# a browser in dark mode would (prefers-color-scheme: dark).
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 URL|FILE OUT.png [WIDTH [HEIGHT [SCALE]]]" >&2
  exit 2
fi
target=$1
out=$2
width=${3:-1280}
height=${4:-900}
scale=${5:-1}

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser=$candidate; break; fi
done
if [ -z "$browser" ]; then
  echo "$0: no chromium found; install it with: apt-get install -y chromium" >&2
  exit 1
fi

if [ -f "$target" ]; then
  target="file://$(realpath "$target")"
fi
case "$out" in
  /*) ;;
  *) out="$PWD/$out" ;;
esac

scheme_flags=()
if [ "${COLOR_SCHEME:-light}" = dark ]; then
  scheme_flags=(--force-dark-mode --blink-settings=preferredColorScheme=0)
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# No network beyond the page itself: no QUIC, sync, updates or first-run.
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --disable-dev-shm-usage --hide-scrollbars --user-data-dir="$profile" \
  --window-size="${width},${height}" --force-device-scale-factor="$scale" \
  "${scheme_flags[@]}" \
  --screenshot="$out" "$target" >/dev/null 2>&1 || {
  echo "$0: $browser failed to render $target" >&2
  exit 1
}
[ -s "$out" ] || { echo "$0: no screenshot written to $out" >&2; exit 1; }
echo "$out"
