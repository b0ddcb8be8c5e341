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


def _chunk(rng):
    if rng.random() < 0.4:
        chunk = "".join(rng.choice(CJK) for _ in range(rng.randint(10, 40)))
    else:
        chunk = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 15)))
    return chunk + rng.choice([" &amp; ", " &lt;b&gt;bold&lt;/b&gt; ", "。", ". ", " &#8212; "])


# Paragraphs are drawn from a fixed pool of chunks: the same mix of CJK text,
# words and references as drawing every character, at a twentieth of the
# cost (100,000 feeds took the pure-Python generator ten minutes per round).
_POOL_RNG = random.Random(7)
CHUNKS = [(c, len(c.encode())) for c in (_chunk(_POOL_RNG) for _ in range(4096))]


def paragraph(rng, size):
    out = []
    length = 0
    while length < size:
        chunk, n = CHUNKS[rng.randrange(len(CHUNKS))]
        out.append(chunk)
        length += n
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


def run_measured(argv, cwd, env=None):
    """Runs argv under GNU time; returns wall s, CPU s, peak RSS MiB.

    GNU time measures the exec'ed program itself: the rusage of a child
    forked straight from this (large) Python process would count the
    parent's pages in ru_maxrss."""
    stats = os.path.join(cwd, "time.txt")
    start = time.monotonic()
    process = subprocess.run(["/usr/bin/time", "-o", stats, "-f", "%U %S %M"] + argv, cwd=cwd,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
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


def idle_cpu_percent(binary, config, work, seconds, settle=5):
    """CPU share of `tributary run` between polls: every feed was just polled,
    so all are due later; the first seconds (start-up) are not counted."""
    process = subprocess.Popen([binary, "--log-level", "warn", "run", "-c", config], cwd=work,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(settle)
        before, started = cpu_seconds(process.pid), time.monotonic()
        time.sleep(seconds)
        used, elapsed = cpu_seconds(process.pid) - before, time.monotonic() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
    return 100.0 * used / elapsed


def ensure_package(binary, package):
    """The Debian package providing binary, installed with apt-get when missing."""
    if shutil.which(binary):
        return True
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for argv in (["apt-get", "install", "-y", "-q", package], ["apt-get", "update", "-q"],
                 ["apt-get", "install", "-y", "-q", package]):
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if shutil.which(binary):
            return True
    return shutil.which(binary) is not None


def free_ports(count):
    import socket
    sockets, numbers = [], []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        numbers.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return numbers


class Nginx:
    """Debian's nginx in the foreground (daemon off) on loopback ports, serving
    work/docroot (a symlink to one round's files) with ETag and gzip_static."""

    def __init__(self, work, ports):
        self.port_numbers = free_ports(ports)
        self.log = os.path.join(work, "access.log")
        conf = os.path.join(work, "nginx.conf")
        with open(conf, "w") as f:
            f.write("daemon off;\nworker_processes 2;\npid %s/nginx.pid;\n"
                    "error_log %s/nginx-error.log warn;\n"
                    "events { worker_connections 4096; }\nhttp {\n"
                    "  types { application/xml xml; }\n  default_type application/xml;\n"
                    "  log_format bench '$status $sent_http_content_encoding "
                    "\"$http_if_none_match\" \"$http_if_modified_since\"';\n"
                    "  access_log %s bench;\n  etag on;\n  gzip_static on;\n"
                    "  keepalive_requests 100000;\n"
                    "  client_body_temp_path %s/ngx-body;\n  proxy_temp_path %s/ngx-proxy;\n"
                    "  fastcgi_temp_path %s/ngx-fcgi;\n  uwsgi_temp_path %s/ngx-uwsgi;\n"
                    "  scgi_temp_path %s/ngx-scgi;\n  server {\n"
                    % ((work,) * 2 + (self.log,) + (work,) * 5))
            for port in self.port_numbers:
                f.write("    listen 127.0.0.1:%d backlog=4096;\n" % port)
            f.write("    root %s/docroot;\n  }\n}\n" % work)
        self.process = subprocess.Popen(["nginx", "-c", conf, "-p", work], stdout=subprocess.DEVNULL,
                                        stderr=open(os.path.join(work, "nginx-stderr.log"), "w"))
        deadline = time.monotonic() + 10
        while True:
            try:
                subprocess.run(["curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:%d/f/0.xml"
                                % self.port_numbers[0]], check=True)
                break
            except subprocess.CalledProcessError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("nginx did not start, see %s/nginx-stderr.log" % work)
                time.sleep(0.2)
        self.offset = os.path.getsize(self.log)

    def phase_stats(self):
        """What was requested since the last call: requests, 304s, conditional, gzip."""
        with open(self.log, "rb") as f:
            f.seek(self.offset)
            lines = f.read().decode(errors="replace").splitlines()
            self.offset = f.tell()
        return {"requests": len(lines), "304": sum(l.startswith("304") for l in lines),
                "conditional": sum(('"-" "-"' not in l) for l in lines),
                "gzip": sum(" gzip " in l for l in lines)}

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def url(self, index):
        return "http://127.0.0.1:%d/f/%d.xml" % (self.port_numbers[index % len(self.port_numbers)],
                                                 index)


def _write_feeds(job):
    """Both rounds of feeds [first, last): .xml and the .gz that gzip_static serves."""
    work, first, last, items, item_bytes = job
    sizes = []
    for i in range(first, last):
        for round_number in (0, 1):
            body = make_feed(i, round_number, items, item_bytes, 1)
            path = os.path.join(work, "round%d" % round_number, "f", "%d.xml" % i)
            with open(path, "wb") as f:
                f.write(body)
            with open(path + ".gz", "wb") as f:
                f.write(gzip.compress(body, 6, mtime=0))
            if round_number == 0:
                sizes.append(len(body))
    return sizes


def generate(work, feeds, items, item_bytes):
    import multiprocessing
    for round_number in (0, 1):
        os.makedirs(os.path.join(work, "round%d" % round_number, "f"))
    step = max(1, min(1000, feeds // 8 or 1))
    jobs = [(work, a, min(feeds, a + step), items, item_bytes) for a in range(0, feeds, step)]
    sizes = []
    with multiprocessing.Pool(os.cpu_count() or 2) as pool:
        for part in pool.map(_write_feeds, jobs):
            sizes.extend(part)
    return sizes


def serve_round(work, round_number):
    link = os.path.join(work, "docroot")
    tmp = link + ".new"
    os.symlink("round%d" % round_number, tmp)
    os.replace(tmp, link)


class FileServer(Server):
    """The asyncio server over the generated files (--server asyncio)."""

    def __init__(self, work, ports):
        self.work = work
        super().__init__(ports)

    def load(self, feeds):
        self.responses = {}
        for i in range(feeds):
            with open(os.path.join(self.work, "docroot", "f", "%d.xml" % i), "rb") as f:
                self.set("/f/%d.xml" % i, f.read())

    def phase_stats(self):
        return None

    def stop(self):
        self.loop.call_soon_threadsafe(self.loop.stop)


def file_size(path):
    return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))


def spread(values, fmt="%.2f"):
    values = sorted(values)
    if len(values) == 1:
        return fmt % values[0]
    return (fmt + " (%s-%s)") % (values[len(values) // 2], fmt % values[0], fmt % values[-1])


def workload_arguments(parser):
    """The generated workload's options, shared with cluster_bench.py."""
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--item-bytes", type=int, default=4500)
    parser.add_argument("--ports", type=int, default=64)
    parser.add_argument("--parallel", type=int, default=32,
                        help="transfers at once: fetch.max_transfers, newsboat's reload-threads, "
                        "curl --parallel-max")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    workload_arguments(parser)
    parser.add_argument("--server", choices=("nginx", "asyncio"), default=None,
                        help="nginx (default; installed with apt-get when missing) or the "
                        "built-in asyncio server")
    parser.add_argument("--newsboat", action="store_true",
                        help="also run newsboat 2.x (installed with apt-get when missing) on the "
                        "same feeds with the same transfer limit, and print newsboat/tributary")
    parser.add_argument("--same-host", action="store_true",
                        help="every feed on one loopback host:port and Tributary's default "
                        "fetch settings (no fetch section): the self-hosted RSSHub case")
    parser.add_argument("--repeat", type=int, default=2,
                        help="repeat the cold/warm/update sequence, fresh db each time")
    parser.add_argument("--binary", default=os.path.join(REPO, "build", "daemon", "tributary"))
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--wrap", default="", help="prefix for one phase of the first repeat, "
                        "e.g. 'perf record -g -o /tmp/perf.data'")
    parser.add_argument("--wrap-phase", default="update", choices=("cold", "warm", "update"))
    parser.add_argument("--idle", type=float, default=0, metavar="SECONDS",
                        help="then run the daemon on the polled feeds (all scheduled ahead) "
                        "and measure its CPU use over this many seconds")
    parser.add_argument("--idle-settle", type=float, default=10,
                        help="seconds of daemon start-up not counted in --idle")
    args = parser.parse_args()
    if args.same_host:
        args.ports = 1

    work = tempfile.mkdtemp(prefix="tributary-bench-")
    os.chmod(work, 0o755)  # nginx's workers run as www-data
    server = None
    try:
        server = run(args, work)
        ok = server is not False
    finally:
        if server:
            server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept %s" % work)
    sys.exit(0 if ok else 1)


def run(args, work):
    started = time.monotonic()
    sizes = generate(work, args.feeds, args.items, args.item_bytes)
    generated = time.monotonic() - started
    serve_round(work, 0)
    kind = args.server or "nginx"
    if kind == "nginx" and not ensure_package("nginx", "nginx"):
        if args.server == "nginx":
            raise RuntimeError("nginx is not installed and apt-get could not install it")
        print("nginx not available: using the asyncio server")
        kind = "asyncio"
    if kind == "nginx":
        server = Nginx(work, args.ports)
    else:
        server = FileServer(work, args.ports)
        server.load(args.feeds)
    if args.newsboat and not ensure_package("newsboat", "newsboat"):
        raise RuntimeError("newsboat is not installed and apt-get could not install it")
    average_kb = sum(sizes) / len(sizes) / 1024
    print("workload: %d feeds x %d items, %.0f KB per feed (%.0f MB), %d port(s) on 127.0.0.1, "
          "served by %s; generated both rounds in %.0f s"
          % (args.feeds, args.items, average_kb, sum(sizes) / 1e6, args.ports, kind, generated))

    config = os.path.join(work, "bench.yaml")
    with open(config, "w") as f:
        f.write("storage:\n  path: bench.db\nserver:\n  enabled: false\n")
        if not args.same_host:
            # One limit only, the same as newsboat's: max_transfers. 127.0.0.1 is an own
            # service (8 per host:port, no spacing); the hosts entry lifts its per-host cap
            # to the global one so the port count does not matter.
            f.write("fetch:\n  max_transfers: %d\n  host_spacing: 0s\n  hosts:\n"
                    "    - host: 127.0.0.1\n      max_per_host: %d\n      host_spacing: 0s\n"
                    % (args.parallel, args.parallel))
        f.write("outputs:\n  - type: feed\n    format: atom\n    path: all.atom\n"
                "    max_items: 100\nfeeds:\n")
        for i in range(args.feeds):
            f.write("  - url: %s\n" % server.url(i))
    print("tributary: %s" % ("default fetch settings (no fetch section)" if args.same_host else
                             "fetch.max_transfers %d, host_spacing 0, hosts 127.0.0.1 "
                             "max_per_host %d" % (args.parallel, args.parallel)))
    urls = os.path.join(work, "urls.txt")
    with open(urls, "w") as f:
        for i in range(args.feeds):
            f.write('url = "%s"\noutput = /dev/null\n' % server.url(i))
    nb_urls = os.path.join(work, "newsboat-urls")
    nb_conf = os.path.join(work, "newsboat-config")
    with open(nb_urls, "w") as f:
        for i in range(args.feeds):
            f.write("%s\n" % server.url(i))
    with open(nb_conf, "w") as f:
        f.write("reload-threads %d\ndownload-timeout 120\nshow-read-feeds yes\n" % args.parallel)
    nb_env = dict(os.environ, HOME=work, XDG_CONFIG_HOME=work, XDG_DATA_HOME=work)

    results = []  # one dict per repeat: name -> run_measured() + server stats
    for repeat in range(args.repeat):
        serve_round(work, 0)
        for name in ("bench.db", "bench.db-wal", "bench.db-shm", "newsboat-cache.db"):
            if os.path.exists(os.path.join(work, name)):
                os.remove(os.path.join(work, name))
        if kind == "asyncio":
            server.load(args.feeds)
        r = {}

        def measure(name, argv, env=None):
            if hasattr(server, "phase_stats"):
                server.phase_stats()
            r[name] = run_measured(argv, work, env)
            r[name]["http"] = server.phase_stats()

        def poll(phase):
            wrap = args.wrap.split() if phase == args.wrap_phase and repeat == 0 else []
            measure("tributary " + phase,
                    wrap + [args.binary, "--log-level", "warn", "poll", "-c", config])

        def newsboat(phase):
            if args.newsboat:
                measure("newsboat " + phase, ["newsboat", "-x", "reload", "-u", nb_urls, "-c",
                                              os.path.join(work, "newsboat-cache.db"), "-C",
                                              nb_conf], nb_env)

        measure("curl", ["curl", "-s", "--compressed", "--parallel", "--parallel-max",
                         str(args.parallel), "-K", urls])
        poll("cold")
        newsboat("cold")
        poll("warm")
        newsboat("warm")
        serve_round(work, 1)
        if kind == "asyncio":
            server.load(args.feeds)
        poll("update")
        newsboat("update")
        r["db"] = file_size(os.path.join(work, "bench.db")) / 1e6
        r["nbdb"] = file_size(os.path.join(work, "newsboat-cache.db")) / 1e6
        results.append(r)
        print("repeat %d done" % (repeat + 1))

    print("\n%d repeats; median (min-max). The machine is shared: others compile and fuzz."
          % args.repeat)
    print("%-18s %18s %16s %16s %18s %s" % ("phase", "wall s", "cpu s", "RSS MiB", "wall/curl",
                                           "requests / 304 / conditional / gzip, last result"))
    names = ["curl"] + ["%s %s" % (tool, phase) for phase in ("cold", "warm", "update")
                        for tool in (("tributary", "newsboat") if args.newsboat else ("tributary",))]
    for name in names:
        rows = [r[name] for r in results]
        http = rows[-1]["http"]
        print("%-18s %18s %16s %16s %18s %s %s" % (
            name, spread([x["wall"] for x in rows]), spread([x["cpu"] for x in rows]),
            spread([x["rss"] for x in rows], "%.0f"),
            spread([x["wall"] / r["curl"]["wall"] for x, r in zip(rows, results)]),
            "%(requests)d / %(304)d / %(conditional)d / %(gzip)d" % http if http else "-",
            ("exit %d %s" % (rows[-1]["status"], rows[-1]["out"][:60])).strip()))
    if args.newsboat:
        for phase in ("cold", "warm", "update"):
            print("newsboat/tributary %-6s %s" % (phase, spread(
                [r["newsboat " + phase]["wall"] / r["tributary " + phase]["wall"]
                 for r in results])))
    print("database: tributary %s MB%s" % (spread([r["db"] for r in results], "%.1f"),
          ", newsboat cache %s MB" % spread([r["nbdb"] for r in results], "%.1f")
          if args.newsboat else ""))
    if args.idle > 0:
        print("idle daemon, %d feeds scheduled: %.3f%% of one core over %.0f s"
              % (args.feeds, idle_cpu_percent(args.binary, config, work, args.idle,
                                              args.idle_settle), args.idle))
    ok = all(r[n]["status"] == 0 for r in results for n in names if n.startswith("tributary"))
    return server if ok else False


if __name__ == "__main__":
    main()
