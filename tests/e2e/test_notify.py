"""End to end: the sd_notify protocol of `tributary run`, received for real on
a test NOTIFY_SOCKET (issue 8): READY=1 once started, STATUS= lines, WATCHDOG=1
pings from the event loop at half of WATCHDOG_USEC, RELOADING=1 then READY=1 on
SIGHUP with the new config generation in STATUS, STOPPING=1 and exit 0 on
SIGTERM. The sender's credentials are checked too (NotifyAccess=main)."""

import os
import signal
import socket
import struct
import subprocess
import threading
import time
import unittest

from harness import BINARY, TributaryTestCase, rss


class NotifySocket:
    """A datagram socket like systemd's notify socket; records every
    (monotonic time, sender pid, message) it receives."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        self.sock.settimeout(0.2)
        self.messages = []
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self._receive, daemon=True)
        self.thread.start()

    def _receive(self):
        cred_size = struct.calcsize("3i")
        while self.running:
            try:
                data, ancillary, _, _ = self.sock.recvmsg(4096, socket.CMSG_SPACE(cred_size))
            except socket.timeout:
                continue
            except OSError:
                return
            pid = None
            for level, kind, payload in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid = struct.unpack("3i", payload[:cred_size])[0]
            with self.lock:
                self.messages.append((time.monotonic(), pid, data.decode("utf-8", "replace")))

    def lines(self, since=0):
        """Every "KEY=value" line received, as (time, pid, line), from index since."""
        with self.lock:
            received = self.messages[since:]
        return [(t, pid, line) for t, pid, text in received for line in text.split("\n") if line]

    def count(self):
        with self.lock:
            return len(self.messages)

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


class NotifyTest(TributaryTestCase):

    def setUp(self):
        super().setUp()
        self.server.serve("/one.xml", rss("One", [("a", "First", "Mon, 23 Nov 2026 10:00:00 GMT")]))
        self.server.serve("/two.xml", rss("Two", [("b", "Second", "Mon, 23 Nov 2026 11:00:00 GMT")]))
        self.notify = NotifySocket(self.path("notify.sock"))

    def tearDown(self):
        self.notify.close()
        super().tearDown()

    def config(self, feeds):
        text = ("storage:\n  path: var/tributary.db\n"
                "server:\n  enabled: false\n"
                "output_interval: 1s\n"
                "feeds:\n")
        for path in feeds:
            text += "  - url: %s\n    interval: 1s\n" % self.server.url(path)
        text += ("outputs:\n  - type: feed\n    format: atom\n    path: public/all.atom\n")
        return self.write_config(text)

    def start(self, config_file):
        env = dict(os.environ, NOTIFY_SOCKET=self.notify.path, WATCHDOG_USEC="2000000")
        env.pop("WATCHDOG_PID", None)
        log = open(self.path("daemon.log"), "wb")
        process = subprocess.Popen([BINARY, "--log-level", "debug", "run", "-c", config_file],
                                   cwd=self.dir, stdout=log, stderr=subprocess.STDOUT, env=env)
        log.close()
        self.processes.append(process)
        return process

    def wait_line(self, predicate, since=0, what="notification"):
        found = []

        def check():
            found[:] = [entry for entry in self.notify.lines(since) if predicate(entry[2])]
            return bool(found)

        self.wait_for(check, timeout=20, what=what)
        return found[0]

    def test_ready_status_watchdog_and_clean_stop(self):
        process = self.start(self.config(["/one.xml"]))
        ready = self.wait_line(lambda line: line == "READY=1", what="READY=1")
        self.assertEqual(ready[1], process.pid, "READY=1 must come from the main process")
        self.wait_line(lambda line: line.startswith("STATUS="), what="STATUS=")

        # WATCHDOG_USEC=2 s: pings at half that, about every second.
        time.sleep(4.5)
        pings = [t for t, pid, line in self.notify.lines() if line == "WATCHDOG=1"]
        self.assertGreaterEqual(len(pings), 4, pings)
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        # About every second; never near the 2 s at which systemd would kill it.
        self.assertTrue(all(0.4 <= gap <= 1.9 for gap in gaps), gaps)
        self.assertTrue(all(pid == process.pid for _, pid, _ in self.notify.lines()))

        statuses = [line[len("STATUS="):] for _, _, line in self.notify.lines()
                    if line.startswith("STATUS=")]
        self.assertTrue(any(s.startswith(("idle", "polling")) for s in statuses), statuses)
        # The feed was really polled while the protocol ran.
        self.wait_for(lambda: self.server.hits("/one.xml"), what="a poll of /one.xml")

        before = self.notify.count()
        self.assertEqual(self.stop(process), 0, self.daemon_log())
        self.wait_line(lambda line: line == "STOPPING=1", since=before, what="STOPPING=1")

    def test_sighup_reloads_and_reports_the_new_generation(self):
        config_file = self.config(["/one.xml"])
        process = self.start(config_file)
        self.wait_line(lambda line: line == "READY=1", what="READY=1")
        self.wait_line(lambda line: "generation 1" in line or line.startswith("STATUS="),
                       what="first STATUS")

        # A valid new config: RELOADING=1 (with MONOTONIC_USEC), then READY=1,
        # and STATUS names generation 2.
        self.config(["/one.xml", "/two.xml"])
        before = self.notify.count()
        process.send_signal(signal.SIGHUP)
        reloading = self.wait_line(lambda line: line == "RELOADING=1", since=before,
                                   what="RELOADING=1")
        self.assertTrue(any(line.startswith("MONOTONIC_USEC=")
                            for _, _, line in self.notify.lines(before)))
        ready = self.wait_line(lambda line: line == "READY=1", since=before,
                               what="READY=1 after reload")
        self.assertGreaterEqual(ready[0], reloading[0])
        self.wait_line(lambda line: line.startswith("STATUS=") and "generation 2" in line,
                       since=before, what="STATUS with generation 2")
        self.wait_for(lambda: self.server.hits("/two.xml"), what="the new feed polled")

        # A bad config is rejected: READY=1 again, generation 2 keeps running.
        self.write_config("feeds:\n  - url: gopher://nope\n    intervl: 3 parsecs\n")
        before = self.notify.count()
        process.send_signal(signal.SIGHUP)
        self.wait_line(lambda line: line == "RELOADING=1", since=before, what="RELOADING=1")
        self.wait_line(lambda line: line == "READY=1", since=before, what="READY=1 after rejection")
        time.sleep(1.5)
        self.assertIsNone(process.poll(), self.daemon_log())
        self.assertFalse(any("generation 3" in line for _, _, line in self.notify.lines(before)))
        self.assertIn("reload rejected", self.daemon_log())

        before = self.notify.count()
        self.assertEqual(self.stop(process), 0, self.daemon_log())
        self.wait_line(lambda line: line == "STOPPING=1", since=before, what="STOPPING=1")


if __name__ == "__main__":
    unittest.main()
