"""Issue 5, Durability: the crash test (hostile-inputs F1, G3).

The real daemon (`tributary run`) polls a loopback server whose feeds change
on every request; it is SIGKILLed at a random moment 20-400 ms after each
start and restarted, TRIBUTARY_CRASH_KILLS times (default 200; more by hand).
After every kill the merged Atom file, if present, must parse. Finally one
clean `tributary poll` converges and the oracle checks the database:
integrity_check is ok, no item is stored twice, and every item the server
ever served is stored.

TRIBUTARY_CRASH_SEED=N replays a run (the seed is printed)."""

import os
import random
import signal
import subprocess
import sys
import threading
import time
import unittest
import xml.etree.ElementTree as ET

from harness import BINARY, TributaryTestCase

FEEDS = 5
WINDOW = 60  # items each document carries: the newest WINDOW
NEW_PER_REQUEST = 2
BASE_TIME = 1795000000  # 2026-11-18, within the default retention age


def item_guid(feed, number):
    return "https://crash.example.org/f%d/item-%d" % (feed, number)


def rfc1123(seconds):
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(seconds))


class ChangingFeeds(dict):
    """Stands in for FeedServer.resources: every lookup of /fN.xml is one
    request (the harness looks resources up once per request, under its
    lock) and returns a new document that adds NEW_PER_REQUEST items and
    keeps the newest WINDOW. Records every item served."""

    def __init__(self):
        super().__init__()
        self.counters = [0] * FEEDS
        self.served = [set() for _ in range(FEEDS)]
        self.guard = threading.Lock()

    def get(self, path, default=None):
        if not (path.startswith("/f") and path.endswith(".xml")):
            return super().get(path, default)
        feed = int(path[2:-4])
        with self.guard:
            self.counters[feed] += 1
            newest = self.counters[feed] * NEW_PER_REQUEST
            numbers = list(range(newest, max(0, newest - WINDOW), -1))
            self.served[feed].update(numbers)
        parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>',
                 "<title>Crash feed %d</title><link>https://crash.example.org/f%d/</link>"
                 "<description>changes on every request</description>" % (feed, feed)]
        for n in numbers:
            guid = item_guid(feed, n)
            parts.append("<item><title>Feed %d item %d</title><link>%s</link>"
                         "<guid isPermaLink=\"true\">%s</guid><pubDate>%s</pubDate>"
                         "<description>Body of item %d of feed %d.</description></item>"
                         % (feed, n, guid, guid, rfc1123(BASE_TIME + feed * 7 + n * 60), n,
                            feed))
        parts.append("</channel></rss>\n")
        return {"body": "".join(parts).encode(), "type": "application/rss+xml"}


class CrashTest(TributaryTestCase):

    def setUp(self):
        super().setUp()
        self.feeds = ChangingFeeds()
        self.server.resources = self.feeds
        # A kill in the middle of a response resets the connection: expected
        # here, so no traceback per reset.
        self.server.httpd.handle_error = lambda request, client_address: None
        feed_lines = "".join(
            "  - url: %s\n    name: Crash %d\n    interval: 1s\n"
            % (self.server.url("/f%d.xml" % f), f) for f in range(FEEDS))
        # Retention must not delete what the oracle counts. Not "0" (documented
        # as "keep all"): daemon/polling/ingest.cc passes 0 through to PurgeItems,
        # which then purges every item (reported to the lead).
        self.config = self.write_config(
            "storage:\n  path: var/tributary.db\n  keep_items: 100000000\n  keep_age: 3650d\n"
            "output_interval: 1s\n"
            "server:\n  enabled: false\n"
            "fetch:\n  host_spacing: 0ms\n"
            "feeds:\n" + feed_lines +
            "outputs:\n"
            "  - type: feed\n    format: atom\n    path: public/all.atom\n"
            "    url_path: /all.atom\n    title: Everything\n    max_items: 100\n")
        self.database = self.path("var", "tributary.db")
        self.atom = self.path("public", "all.atom")

    def start(self, log):
        process = subprocess.Popen([BINARY, "--log-level", "debug", "run", "-c", self.config],
                                   cwd=self.dir, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def log_tail(self, lines=60):
        with open(self.path("daemon.log"), "rb") as f:
            return "\n".join(f.read().decode("utf-8", "replace").splitlines()[-lines:])

    def test_random_sigkills_lose_and_duplicate_nothing(self):
        kills = int(os.environ.get("TRIBUTARY_CRASH_KILLS", "200"))
        seed = int(os.environ.get("TRIBUTARY_CRASH_SEED", str(time.time_ns() % 1000000)))
        rng = random.Random(seed)
        print("\ncrash test: %d kills, seed %d" % (kills, seed), file=sys.stderr)
        started = time.monotonic()
        survived = 0
        atom_checks = 0
        exited_early = 0
        with open(self.path("daemon.log"), "ab") as log:
            for kill in range(kills):
                process = self.start(log)
                if kill % 8 == 0:
                    # Every 8th time, kill just after a fetch began, so the
                    # test never depends on how fast this machine starts the
                    # daemon (ASan on a loaded machine is slow).
                    before = sum(self.feeds.counters)
                    deadline = time.monotonic() + 10
                    while (sum(self.feeds.counters) == before and time.monotonic() < deadline
                           and process.poll() is None):
                        time.sleep(0.005)
                    time.sleep(rng.uniform(0.0, 0.050))
                else:
                    time.sleep(rng.uniform(0.020, 0.400))
                if process.poll() is not None:
                    # It must never stop by itself: a crash or a refusal.
                    exited_early += 1
                    self.fail("kill %d: the daemon exited by itself with %s (seed %d):\n%s"
                              % (kill, process.returncode, seed, self.log_tail()))
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
                self.processes.remove(process)
                survived += 1
                if os.path.exists(self.atom):
                    try:
                        ET.parse(self.atom)
                    except ET.ParseError as e:
                        self.fail("kill %d: %s does not parse: %s (seed %d)"
                                  % (kill, self.atom, e, seed))
                    atom_checks += 1
        kill_time = time.monotonic() - started

        # Converge: one clean poll fetches every feed once more.
        result = self.run_tributary("poll", "-c", self.config, timeout=120)
        self.assertIn(result.returncode, (0,), result.stderr.decode("utf-8", "replace"))
        ET.parse(self.atom)

        self.assertEqual(self.query(self.database, "PRAGMA integrity_check"), [("ok",)])
        self.assertEqual(self.query(self.database, "PRAGMA foreign_key_check"), [])
        duplicates = self.query(
            self.database,
            "SELECT feed_id, guid, COUNT(*) FROM items GROUP BY feed_id, guid HAVING COUNT(*) > 1")
        self.assertEqual(duplicates, [], "items stored twice (same feed and guid)")
        duplicates = self.query(
            self.database,
            "SELECT feed_id, link, COUNT(*) FROM items GROUP BY feed_id, link HAVING COUNT(*) > 1")
        self.assertEqual(duplicates, [], "items stored twice (same feed and link)")

        stored_total = 0
        served_total = 0
        for f in range(FEEDS):
            rows = self.query(
                self.database,
                "SELECT items.guid FROM items JOIN feeds ON feeds.id = items.feed_id "
                "WHERE feeds.url = ?", self.server.url("/f%d.xml" % f))
            stored = {guid for (guid,) in rows}
            served = {item_guid(f, n) for n in self.feeds.served[f]}
            missing = sorted(served - stored, key=lambda g: int(g.rsplit("-", 1)[1]))
            self.assertEqual(missing, [], "feed %d: served but not stored (seed %d)" % (f, seed))
            self.assertEqual(stored - served, set(), "feed %d: stored but never served" % f)
            stored_total += len(stored)
            served_total += len(served)
        requests = sum(self.feeds.counters)
        # The test is only meaningful if the daemon really fetched while being killed.
        self.assertGreater(requests, FEEDS * 2)
        print("crash test: survived %d SIGKILLs in %.1f s (total %.1f s); %d requests served, "
              "%d items served = %d stored, atom parsed after %d kills"
              % (survived, kill_time, time.monotonic() - started, requests, served_total,
                 stored_total, atom_checks), file=sys.stderr)


if __name__ == "__main__":
    unittest.main()
