#!/usr/bin/env bash
# Builds the Debian package with CPack, installs it on this machine with
# dpkg -i, and checks what a user gets (issue 8):
#  - `tributary --version`, the man pages (man -w), the templates and samples;
#  - `tributary check-config -c /etc/tributary/tributary.yaml` from an empty
#    directory (the installed config's file: feeds point at the installed
#    samples in /usr/share/tributary/examples/feeds);
#  - the unit: `systemd-analyze verify` (no warnings allowed) and
#    `systemd-analyze security --offline=true` (fails if worse than 2.0);
#  - the service's start as the unit does it, without systemd: this machine
#    (a container in CI) has no systemd as PID 1, so `systemctl start` cannot
#    run. Instead the installed binary runs as an unprivileged user (setpriv,
#    no new privileges, umask 0027) in a fresh state directory as working
#    directory, ExecStartPre's check-config first, with NOTIFY_SOCKET on a
#    Python datagram socket: READY=1 and STATUS= must arrive, the sample feeds
#    must be stored and the Atom output written, SIGTERM must give STOPPING=1
#    and exit 0. Only file: feeds are used: no network;
#  - `dpkg -r` (conffile kept) and `dpkg -P` (everything gone).
# Needs root (dpkg -i); uses sudo otherwise. Build directory: $BUILD_DIR
# (default build/, the one scripts/test.sh just built and tested, so CI
# packages the tested binary; only its install prefix is set to /usr, which
# recompiles nothing). A fresh directory is configured without tests.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
build=${BUILD_DIR:-$repo/build}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

fail() { echo "package-test: FAIL: $*" >&2; exit 1; }
say() { echo "package-test: $*"; }

for tool in dpkg-shlibdeps scdoc systemd-analyze setpriv python3 man; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/deps.sh installs it)"
done

say "building the .deb in $build"
if [ -f "$build/CMakeCache.txt" ]; then
  grep -q '^TRIBUTARY_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" &&
    fail "$build is a sanitizer build; give BUILD_DIR another directory"
  cmake -S "$repo" -B "$build" -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
else
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_INSTALL_PREFIX=/usr -DTRIBUTARY_BUILD_TESTS=OFF -DTRIBUTARY_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$build" -j2
rm -f "$build"/tributary_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/tributary_*.deb)
say "built $(basename "$deb")"
dpkg-deb --field "$deb" Package Version Depends
dpkg-deb --field "$deb" Depends | grep -q "libc6" || fail "no shared-library dependencies"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/tributary/tributary.yaml ||
  fail "/etc/tributary/tributary.yaml is not a conffile"

installed_by_us=0
cleanup() {
  if [ "$installed_by_us" = 1 ]; then $SUDO dpkg -P tributary >/dev/null 2>&1 || true; fi
  [ -n "${work:-}" ] && $SUDO rm -rf "$work"
}
trap cleanup EXIT
work=$(mktemp -d /tmp/tributary-package-test.XXXXXX)

say "dpkg -i"
$SUDO dpkg -i "$deb"
installed_by_us=1

say "installed files"
tributary --version
version=$(tributary --version)
case "$version" in *"$(dpkg-deb --field "$deb" Version)"*) ;; *) fail "--version: $version" ;; esac
unit=/lib/systemd/system/tributary.service
for f in /usr/bin/tributary "$unit" /etc/tributary/tributary.yaml \
  /usr/share/tributary/templates/hexo.md.mustache \
  /usr/share/tributary/templates/digest.html.mustache \
  /usr/share/tributary/examples/feeds/planet-rss2.xml \
  /usr/share/doc/tributary/tributary.example.yaml; do
  [ -f "$f" ] || fail "$f is not installed"
done
man -w tributary >/dev/null || fail "man page tributary(1) missing"
man -w 5 tributary.yaml >/dev/null || fail "man page tributary.yaml(5) missing"
grep -q "file:/usr/share/tributary/examples/feeds/planet-rss2.xml" /etc/tributary/tributary.yaml ||
  fail "the installed config does not point at the installed samples"

say "check-config from an empty directory"
mkdir "$work/empty"
(cd "$work/empty" && tributary check-config -c /etc/tributary/tributary.yaml) ||
  fail "check-config rejects the installed config"

say "systemd-analyze verify $unit"
verify=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify warns: $verify"

say "systemd-analyze security --offline=true"
security=$(systemd-analyze security --offline=true --no-pager "$unit" 2>&1 || true)
exposure=$(printf '%s\n' "$security" | sed -n 's/.*Overall exposure level for tributary.service: \([0-9.]*\).*/\1/p')
[ -n "$exposure" ] || fail "no exposure figure in: $security"
say "exposure level: $exposure (must be 2.0 or better)"
awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }' || fail "exposure $exposure is worse than 2.0"

say "starting the installed binary as the unit does (no systemd as PID 1 here)"
state="$work/state"
mkdir -p "$state"
chmod 0755 "$work"
chown nobody:nogroup "$state"
feeds=/usr/share/tributary/examples/feeds
cat >"$work/service.yaml" <<YAML
# The sample feeds only (file:, no network); paths relative to the state dir.
storage:
  path: var/tributary.db
server:
  enabled: false
output_interval: 1s
feeds:
  - url: file:$feeds/planet-rss2.xml
    interval: 1m
  - url: file:$feeds/tools-atom.xml
    interval: 1m
  - url: file:$feeds/sina-finance-china.gb2312.rss.xml
    timezone: Asia/Shanghai
    interval: 1m
outputs:
  - type: feed
    format: atom
    path: public/all.atom
YAML
chmod 0644 "$work/service.yaml"
as_service=(setpriv --reuid=nobody --regid=nogroup --clear-groups --no-new-privs --inh-caps=-all)
(cd "$state" && "${as_service[@]}" tributary check-config -c "$work/service.yaml" >/dev/null) ||
  fail "ExecStartPre (check-config) fails as nobody"
python3 - "$work" "$state" "${as_service[@]}" tributary run -c "$work/service.yaml" <<'PY'
import os, signal, socket, subprocess, sys, time
work, state, command = sys.argv[1], sys.argv[2], sys.argv[3:]
path = os.path.join(work, "notify.sock")
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o777)  # the daemon runs as nobody
sock.settimeout(0.2)
env = {"PATH": "/usr/bin:/bin", "NOTIFY_SOCKET": path, "WATCHDOG_USEC": "60000000",
       "LANG": "C.UTF-8"}
log = open(os.path.join(work, "daemon.log"), "wb")
process = subprocess.Popen(["sh", "-c", 'umask 0027 && exec "$@"', "sh", *command], cwd=state,
                           env=env, stdout=log, stderr=subprocess.STDOUT)
lines = []

def wait(predicate, what, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(predicate(line) for line in lines):
            return
        try:
            lines.extend(l for l in sock.recv(4096).decode().split("\n") if l)
        except socket.timeout:
            pass
        if process.poll() is not None and not any(predicate(line) for line in lines):
            break
    process.kill()
    sys.exit("package-test: FAIL: no %s; got %r; log:\n%s" % (
        what, lines, open(os.path.join(work, "daemon.log")).read()))

wait(lambda l: l == "READY=1", "READY=1")
wait(lambda l: l.startswith("STATUS="), "STATUS=")
atom = os.path.join(state, "public", "all.atom")
deadline = time.monotonic() + 20
while not os.path.exists(atom) and time.monotonic() < deadline:
    time.sleep(0.1)
if not os.path.exists(atom):
    process.kill()
    sys.exit("package-test: FAIL: %s not written" % atom)
for line in lines:
    print("package-test: notify:", line)
del lines[:]
process.send_signal(signal.SIGTERM)
wait(lambda l: l == "STOPPING=1", "STOPPING=1")
code = process.wait(timeout=10)
if code != 0:
    sys.exit("package-test: FAIL: exit status %d after SIGTERM" % code)
print("package-test: READY=1, STATUS=, output written, STOPPING=1, exit 0")
PY
owner=$(stat -c %U "$state/var/tributary.db")
[ "$owner" = nobody ] || fail "database owned by $owner, not the service user"
items=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM items").fetchone()[0])' "$state/var/tributary.db")
[ "$items" -gt 0 ] || fail "no items stored"
say "$items items stored from the installed samples"

say "dpkg -r: binary gone, conffile kept"
$SUDO dpkg -r tributary
[ ! -e /usr/bin/tributary ] || fail "/usr/bin/tributary still there after dpkg -r"
[ ! -e "$unit" ] || fail "$unit still there after dpkg -r"
[ -f /etc/tributary/tributary.yaml ] || fail "dpkg -r removed the conffile"
say "dpkg -P: conffile gone"
$SUDO dpkg -P tributary
installed_by_us=0
[ ! -e /etc/tributary/tributary.yaml ] || fail "dpkg -P left /etc/tributary/tributary.yaml"
say "OK (exposure $exposure)"
