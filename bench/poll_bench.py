#!/usr/bin/env python3
"""Poll benchmark: N generated feeds served from 127.0.0.1, `tributary poll`
over them cold (empty database), warm (everything answered 304) and update
(a few new items per feed), each as wall time, CPU time and peak RSS, and
as a ratio to a baseline measured in the same run: curl fetching the same
URLs with the same parallelism (transfer only, no parsing or storage).

    bench/poll_bench.py --feeds 1000 --items 50 --item-bytes 4500
    bench/poll_bench.py --feeds 10000 --items 10 --item-bytes 1800

Only loopback addresses are used. Feeds are spread over --ports ports so the
per-host politeness cap (a host is scheme+host+port) does not serialise
the run; host_spacing is set to 0 for the same reason.
"""

import argparse
import asyncio
import gzip
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CJK = "中国青年报客户端北京电记者今天从教育部获悉开展高校毕业生就业百日冲刺系列活动多措并举促进更加充分更高质量"
WORDS = ("feed aggregator daemon latency throughput storage parser entity encoding "
         "release notes community summit podcast packaging distribution").split()


def paragraph(rng, size):
    out = []
    length = 0
    while length < size:
        if rng.random() < 0.4:
            chunk = "".join(rng.choice(CJK) for _ in range(rng.randint(10, 40)))
        else:
            chunk = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 15)))
        chunk += rng.choice([" &amp; ", " &lt;b&gt;bold&lt;/b&gt; ", "。", ". ", " &#8212; "])
        out.append(chunk)
        length += len(chunk.encode())
    return "".join(out)


def make_feed(index, round_number, items, item_bytes, rng_seed):
    rng = random.Random(rng_seed * 100003 + index)
    kind = index % 3
    base = "https://site%d.example/" % index
    entries = []
    for n in range(items + round_number * 3):
        number = items + round_number * 3 - n  # newest first
        # Each item's text depends only on (feed, item number), so a later
        # round serves the same items unchanged plus the new ones.
        item_rng = random.Random(rng_seed * 1000003 + index * 1009 + number)
        entries.append((number, "Item %d of feed %d %s" % (number, index, "".join(
            item_rng.choice(CJK) for _ in range(6))), paragraph(item_rng, item_bytes)))
    if kind == 0:
        body = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                "<title>Feed %d</title><link>%s</link><description>bench</description>" % (index, base)]
        for number, title, text in entries:
            body.append("<item><title>%s</title><link>%sp/%d</link><guid>%sp/%d</guid>"
                        "<pubDate>Tue, 24 Nov 2026 %02d:%02d:00 GMT</pubDate>"
                        "<description>&lt;p&gt;%s&lt;/p&gt;</description></item>"
                        % (title, base, number, base, number, number % 24, number % 60, text))
        body.append("</channel></rss>")
    elif kind == 1:
        body = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
                "<title>Feed %d</title><id>%s</id><updated>2026-11-24T10:00:00Z</updated>"
                '<link href="%s"/>' % (index, base, base)]
        for number, title, text in entries:
            body.append("<entry><title>%s</title><id>%sp/%d</id><link href=\"%sp/%d\"/>"
                        "<updated>2026-11-24T%02d:%02d:00Z</updated>"
                        "<content type=\"html\">&lt;p&gt;%s&lt;/p&gt;</content></entry>"
                        % (title, base, number, base, number, number % 24, number % 60, text))
        body.append("</feed>")
    else:
        body = ['<?xml version="1.0" encoding="UTF-8"?>\n<rdf:RDF '
                'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                '<channel rdf:about="%s"><title>Feed %d</title><link>%s</link>'
                "<description>bench</description></channel>" % (base, index, base)]
        for number, title, text in entries:
            body.append('<item rdf:about="%sp/%d"><title>%s</title><link>%sp/%d</link>'
                        "<dc:date>2026-11-24T%02d:%02d:00Z</dc:date>"
                        "<description>&lt;p&gt;%s&lt;/p&gt;</description></item>"
                        % (base, number, title, base, number, number % 24, number % 60, text))
        body.append("</rdf:RDF>")
    return "".join(body).encode()


class Server:
    """Pre-built responses served by asyncio on many loopback ports."""

    def __init__(self, ports):
        self.ports = ports
        self.responses = {}  # path -> (etag, raw, gzipped)
        self.loop = asyncio.new_event_loop()
        self.servers = []
        self.requests = 0
        self.bytes = 0
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.port_numbers = asyncio.run_coroutine_threadsafe(self._start(), self.loop).result()

    async def _start(self):
        numbers = []
        for _ in range(self.ports):
            server = await asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=1024)
            self.servers.append(server)
            numbers.append(server.sockets[0].getsockname()[1])
        return numbers

    def set(self, path, body):
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        self.responses[path] = (etag, body, gzip.compress(body, 5))

    async def _handle(self, reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                self.requests += 1
                found = self.responses.get(path)
                if found is None:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                elif headers.get("if-none-match") == found[0]:
                    writer.write(("HTTP/1.1 304 Not Modified\r\nETag: %s\r\n"
                                  "Content-Length: 0\r\n\r\n" % found[0]).encode())
                else:
                    use_gzip = "gzip" in headers.get("accept-encoding", "")
                    body = found[2] if use_gzip else found[1]
                    writer.write(("HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n"
                                  "ETag: %s\r\nLast-Modified: Tue, 24 Nov 2026 10:00:00 GMT\r\n"
                                  "%sContent-Length: %d\r\n\r\n"
                                  % (found[0], "Content-Encoding: gzip\r\n" if use_gzip else "",
                                     len(body))).encode())
                    writer.write(body)
                    self.bytes += len(body)
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    def url(self, index):
        return "http://127.0.0.1:%d/f/%d.xml" % (self.port_numbers[index % len(self.port_numbers)],
                                                 index)


def run_measured(argv, cwd):
    """Runs argv under GNU time; returns wall s, CPU s, peak RSS MiB.

    GNU time measures the exec'ed program itself: the rusage of a child
    forked straight from this (large) Python process would count the
    parent's pages in ru_maxrss."""
    stats = os.path.join(cwd, "time.txt")
    start = time.monotonic()
    process = subprocess.run(["/usr/bin/time", "-o", stats, "-f", "%U %S %M"] + argv, cwd=cwd,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - start
    with open(stats) as f:
        user, system, rss_kib = f.read().split()[-3:]
    return {"wall": wall, "cpu": float(user) + float(system), "rss": int(rss_kib) / 1024.0,
            "status": process.returncode, "out": process.stdout.decode(errors="replace").strip()}


def cpu_seconds(pid):
    """utime + stime of a running process, from /proc."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_cpu_percent(binary, config, work, seconds):
    """CPU share of `tributary run` between polls: every feed was just polled,
    so all are due later; the first seconds (start-up) are not counted."""
    process = subprocess.Popen([binary, "--log-level", "warn", "run", "-c", config], cwd=work,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(5)
        before, started = cpu_seconds(process.pid), time.monotonic()
        time.sleep(seconds)
        used, elapsed = cpu_seconds(process.pid) - before, time.monotonic() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
    return 100.0 * used / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--item-bytes", type=int, default=4500)
    parser.add_argument("--ports", type=int, default=64)
    parser.add_argument("--parallel", type=int, default=32)
    parser.add_argument("--binary", default=os.path.join(REPO, "build", "daemon", "tributary"))
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--wrap", default="", help="prefix for one phase, e.g. a profiler")
    parser.add_argument("--wrap-phase", default="update", choices=("cold", "warm", "update"))
    parser.add_argument("--idle", type=float, default=0, metavar="SECONDS",
                        help="then run the daemon on the polled feeds (all scheduled ahead) "
                        "and measure its CPU use over this many seconds")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="tributary-bench-")
    server = Server(args.ports)
    sizes = []
    for i in range(args.feeds):
        body = make_feed(i, 0, args.items, args.item_bytes, 1)
        sizes.append(len(body))
        server.set("/f/%d.xml" % i, body)
    average_kb = sum(sizes) / len(sizes) / 1024
    print("workload: %d feeds x %d items, %.0f KB per feed (%.0f MB), %d ports on 127.0.0.1"
          % (args.feeds, args.items, average_kb, sum(sizes) / 1e6, args.ports))

    config = os.path.join(work, "bench.yaml")
    with open(config, "w") as f:
        f.write("storage:\n  path: bench.db\nserver:\n  enabled: false\n"
                "fetch:\n  max_transfers: %d\n  max_per_host: 2\n  host_spacing: 0s\n"
                "outputs:\n  - type: feed\n    format: atom\n    path: all.atom\n"
                "    max_items: 100\nfeeds:\n" % args.parallel)
        for i in range(args.feeds):
            f.write("  - url: %s\n" % server.url(i))
    urls = os.path.join(work, "urls.txt")
    with open(urls, "w") as f:
        for i in range(args.feeds):
            f.write('url = "%s"\noutput = /dev/null\n' % server.url(i))

    baseline = run_measured(["curl", "-s", "--compressed", "--parallel", "--parallel-max",
                             str(args.parallel), "-K", urls], work)
    def poll(phase):
        wrap = args.wrap.split() if phase == args.wrap_phase else []
        return run_measured(wrap + [args.binary, "--log-level", "warn", "poll", "-c", config], work)

    cold = poll("cold")
    warm = poll("warm")
    for i in range(args.feeds):
        server.set("/f/%d.xml" % i, make_feed(i, 1, args.items, args.item_bytes, 1))
    update = poll("update")

    print("%-22s %9s %9s %9s %12s  %s" % ("phase", "wall s", "cpu s", "RSS MiB",
                                          "wall/curl", "result"))
    for name, r in (("baseline: curl", baseline), ("cold (empty db)", cold),
                    ("warm (all 304)", warm), ("update (+3 items)", update)):
        print("%-22s %9.2f %9.2f %9.1f %12.2f  %s" % (name, r["wall"], r["cpu"], r["rss"],
                                                      r["wall"] / baseline["wall"], r["out"]))
    db = os.path.join(work, "bench.db")
    print("database: %.1f MB" % (os.path.getsize(db) / 1e6))
    if args.idle > 0:
        print("idle daemon, %d feeds scheduled: %.2f%% of one core over %.0f s"
              % (args.feeds, idle_cpu_percent(args.binary, config, work, args.idle), args.idle))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    ok = cold["status"] == 0 and warm["status"] == 0 and update["status"] == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
