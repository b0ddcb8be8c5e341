"""Shared pieces of the end-to-end tests: a real HTTP server on 127.0.0.1
serving feed fixtures (with ETag / Last-Modified / 304 and a request log),
config writing, and running the real `tributary` binary.

Run with /usr/bin/python3 (Debian's python3-feedparser lives there).
Only loopback addresses are ever used.
"""

import hashlib
import http.server
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("TRIBUTARY_BIN", os.path.join(REPO, "build", "daemon", "tributary"))
DATA = os.path.join(REPO, "tests", "data")


class FeedServer:
    """A threaded HTTP server on 127.0.0.1 with scripted resources.

    resources: path -> dict(body=bytes, type=str, status=int, headers=dict).
    Every request is logged as (method, path, request headers, status)."""

    def __init__(self):
        self.resources = {}
        self.requests = []
        self.arrivals = []  # (path, time.monotonic()) as each request arrives
        self.agents = []  # (path, User-Agent, time.monotonic()) likewise
        self.lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                with server.lock:
                    server.arrivals.append((self.path, time.monotonic()))
                    server.agents.append((self.path, self.headers.get("User-Agent", ""),
                                          time.monotonic()))
                    resource = server.resources.get(self.path.split("?")[0])
                status = 404
                body = b"not found"
                headers = {"Content-Type": "text/plain"}
                if resource is not None:
                    status = resource.get("status", 200)
                    body = resource.get("body", b"")
                    headers = {"Content-Type": resource.get("type", "application/xml")}
                    headers.update(resource.get("headers", {}))
                    if status == 200:
                        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
                        headers["ETag"] = etag
                        headers["Last-Modified"] = resource.get(
                            "last_modified", "Tue, 24 Nov 2026 10:00:00 GMT")
                        if self.headers.get("If-None-Match") == etag:
                            status, body = 304, b""
                with server.lock:
                    server.requests.append((self.command, self.path, dict(self.headers), status))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def serve(self, path, body, content_type="application/xml", status=200, headers=None):
        if isinstance(body, str):
            body = body.encode("utf-8")
        with self.lock:
            self.resources[path] = {"body": body, "type": content_type, "status": status,
                                    "headers": headers or {}}

    def serve_file(self, path, file_name, content_type="application/xml"):
        with open(file_name, "rb") as f:
            self.serve(path, f.read(), content_type)

    def hits(self, path):
        with self.lock:
            return [r for r in self.requests if r[1].split("?")[0] == path]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def rss(title, items, link="https://example.org/"):
    """A small RSS 2.0 document; items are (guid, title, date) tuples."""
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>',
             "<title>%s</title><link>%s</link><description>test</description>" % (title, link)]
    for guid, item_title, date in items:
        parts.append("<item><title>%s</title><link>%s%s</link><guid>%s%s</guid>"
                     "<pubDate>%s</pubDate><description>&lt;p&gt;%s body&lt;/p&gt;</description>"
                     "</item>" % (item_title, link, guid, link, guid, date, item_title))
    parts.append("</channel></rss>\n")
    return "".join(parts)


class PgServer:
    """A throw-away PostgreSQL 15 cluster: initdb + pg_ctl in a temporary
    directory, reachable only through a Unix socket there (no TCP at all).
    As root the cluster belongs to the `postgres` user, as initdb demands.
    Raises unittest.SkipTest only when the server binaries are missing.
    Tests run it without fsync; `durable=True` keeps PostgreSQL's defaults
    (fsync, synchronous_commit), as benchmarks against SQLite need."""

    BIN = os.environ.get("TRIBUTARY_PG_BIN", "/usr/lib/postgresql/15/bin")

    def __init__(self, durable=False):
        for program in ("initdb", "pg_ctl", "postgres"):
            if not os.path.exists(os.path.join(self.BIN, program)):
                raise unittest.SkipTest("PostgreSQL 15 is not installed (scripts/deps.sh)")
        self.dir = tempfile.mkdtemp(prefix="tributary-e2e-pg-")
        self.port = 20000 + int.from_bytes(os.urandom(2), "big") % 30000
        self.databases = 0
        if os.geteuid() == 0:
            shutil.chown(self.dir, user="postgres")
            os.chmod(self.dir, 0o755)
        self._run("initdb", "-D", self.data(), "-A", "trust", "-U", "tributary", "-E", "UTF8",
                  "--locale=C", "--no-sync", "--no-instructions")
        with open(os.path.join(self.data(), "postgresql.conf"), "a", encoding="utf-8") as f:
            f.write("\nlisten_addresses = ''\nunix_socket_directories = '%s'\nport = %d\n"
                    "max_connections = 60\n" % (self.dir, self.port))
            if not durable:
                f.write("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
        self.start()

    def data(self):
        return os.path.join(self.dir, "data")

    def _run(self, program, *args):
        command = [os.path.join(self.BIN, program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError("%s failed: %s" % (program, result.stderr.decode("utf-8", "replace")))

    def start(self):
        self._run("pg_ctl", "-D", self.data(), "-l", os.path.join(self.dir, "server.log"), "-w",
                  "-t", "60", "start")

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data(), "-m", mode, "-w", "stop")

    def url(self, database):
        return "postgresql://tributary@/%s?host=%s&port=%d" % (database, self.dir, self.port)

    def create_database(self):
        self.databases += 1
        name = "e2e_%d" % self.databases
        self.sql("postgres", "CREATE DATABASE " + name)
        return self.url(name)

    def sql(self, database_or_url, statement):
        """Runs one statement with psql; returns the rows as lists of text."""
        url = database_or_url if "://" in database_or_url else self.url(database_or_url)
        result = subprocess.run(["psql", "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", url,
                                 "-c", statement], capture_output=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError("psql: %s" % result.stderr.decode("utf-8", "replace"))
        lines = result.stdout.decode("utf-8").splitlines()
        return [line.split("\t") for line in lines if line]

    def close(self):
        try:
            self.stop("immediate")
        except RuntimeError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


class TributaryTestCase(unittest.TestCase):
    """Gives each test a scratch directory, a feed server and helpers."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tributary-e2e-")
        self.server = FeedServer()
        self.processes = []

    def tearDown(self):
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        self.server.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def write_config(self, text, name="tributary.yaml"):
        file_name = self.path(name)
        with open(file_name, "w", encoding="utf-8") as f:
            f.write(text)
        return file_name

    def run_tributary(self, *args, timeout=60, input_bytes=None):
        return subprocess.run([BINARY, *args], cwd=self.dir, capture_output=True,
                              timeout=timeout, input=input_bytes)

    def start_daemon(self, config_file, *extra):
        log = open(self.path("daemon.log"), "wb")
        process = subprocess.Popen([BINARY, "--log-level", "debug", *extra, "run", "-c",
                                    config_file], cwd=self.dir, stdout=log,
                                   stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def daemon_log(self):
        with open(self.path("daemon.log"), "rb") as f:
            return f.read().decode("utf-8", "replace")

    def wait_for(self, predicate, timeout=20.0, what="condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        self.fail("timed out waiting for %s; daemon log:\n%s" % (
            what, self.daemon_log() if os.path.exists(self.path("daemon.log")) else ""))

    def query(self, database, sql, *params):
        connection = sqlite3.connect(database, timeout=10)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def stop(self, process, sig=signal.SIGTERM, timeout=10):
        process.send_signal(sig)
        return process.wait(timeout=timeout)
