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
        self.lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                with server.lock:
                    server.arrivals.append((self.path, time.monotonic()))
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
