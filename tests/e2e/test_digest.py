"""End-to-end digest e-mails: the real `tributary` binary polls feeds from
the harness's FeedServer and sends digests to a real SMTP server on
127.0.0.1 (tests/e2e/smtp_sink.py, Debian's python3-aiosmtpd). Received
messages are parsed with Python's email package.

Checks: one multipart/alternative UTF-8 message with the Chinese subject
and every item exactly once; a second send sends nothing; new items go
into the next message only; with the server refusing, answering 421 or
dropping the connection mid-DATA the send fails (exit 75) and a later send
carries the queued items exactly once; `digest preview` prints the message
and changes nothing; the daemon, back after missing several slots, sends
one catch-up message.
"""

import email
import email.policy
import glob
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import unittest

from harness import TributaryTestCase, rss

SINK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "smtp_sink.py")
SUBJECT = "每日摘要 {{count}} 条"


class DigestTest(TributaryTestCase):
    def setUp(self):
        super().setUp()
        self.feeds = {"/news.xml": [], "/tech.xml": []}
        self.serve_feeds()

    def tearDown(self):
        super().tearDown()
        for process in self.processes:
            if process.stdout is not None:
                process.stdout.close()

    def serve_feeds(self):
        self.server.serve("/news.xml", rss("新闻 Feed", self.feeds["/news.xml"],
                                           link="https://news.example.org/"))
        self.server.serve("/tech.xml", rss("Tech Feed", self.feeds["/tech.xml"],
                                           link="https://tech.example.org/"))

    def add_items(self, path, keys):
        for key in keys:
            self.feeds[path].append((key, "标题 " + key, "Tue, 24 Nov 2026 10:00:00 GMT"))
        self.serve_feeds()

    def start_sink(self, mode="accept", count=1, port=0):
        mail_dir = self.path("sink")
        process = subprocess.Popen(
            ["/usr/bin/python3", SINK, "--dir", mail_dir, "--mode", mode, "--count", str(count),
             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.processes.append(process)
        line = process.stdout.readline().decode()
        match = re.match(r"PORT (\d+)", line)
        self.assertIsNotNone(match, "smtp_sink did not start: %r" % line)
        return process, int(match.group(1))

    def config(self, port):
        return self.write_config(
            "storage:\n  path: var/tributary.db\n"
            "server:\n  enabled: false\n"
            "feeds:\n"
            "  - url: %s\n    name: 新闻\n    categories: [金融]\n"
            "  - url: %s\n    name: Tech\n    categories: [Tech]\n"
            "digests:\n"
            "  - name: daily\n    schedule: daily 07:00\n    timezone: Asia/Shanghai\n"
            "    from: Tributary <tributary@example.org>\n    to: [reader@example.org]\n"
            "    subject: \"%s\"\n"
            "    delivery: smtp://127.0.0.1:%d?starttls=no\n"
            % (self.server.url("/news.xml"), self.server.url("/tech.xml"), SUBJECT, port))

    def received(self):
        messages = []
        for name in sorted(glob.glob(self.path("sink", "*.eml"))):
            with open(name, "rb") as f:
                messages.append(email.message_from_bytes(f.read(), policy=email.policy.default))
        return messages

    def links(self, message):
        """Item links in the text/plain part (each listed once there)."""
        text = message.get_body(preferencelist=("plain",)).get_content()
        return re.findall(r"https://(?:news|tech)\.example\.org/[a-z0-9]+", text)

    def poll(self, config):
        result = self.run_tributary("poll", "-c", config)
        self.assertEqual(result.returncode, 0, result.stderr.decode())

    def send(self, config, expect=0):
        result = self.run_tributary("digest", "send", "daily", "-c", config, timeout=60)
        self.assertEqual(result.returncode, expect,
                         result.stdout.decode() + result.stderr.decode())
        return result

    def assert_well_formed(self, message, count):
        self.assertEqual(message.get_content_type(), "multipart/alternative")
        self.assertEqual(str(message["subject"]), "每日摘要 %d 条" % count)
        self.assertTrue(message["message-id"])
        self.assertTrue(message["date"])
        self.assertEqual(message["mime-version"], "1.0")
        parts = [p for p in message.walk() if not p.is_multipart()]
        self.assertEqual([p.get_content_type() for p in parts], ["text/plain", "text/html"])
        for part in parts:
            self.assertEqual(part.get_content_charset(), "utf-8")
            part.get_content()  # decodes
        for line in message.as_bytes().split(b"\n"):
            self.assertLessEqual(len(line), 998)
        html = message.get_body(preferencelist=("html",)).get_content()
        self.assertIn("金融", html)  # grouped by folder
        self.assertIn("标题", html)

    def test_send_preview_and_exactly_once(self):
        _, port = self.start_sink()
        config = self.config(port)
        self.poll(config)  # first sight: empty feeds, cursor at 0
        self.add_items("/news.xml", ["n1", "n2", "n3"])
        self.add_items("/tech.xml", ["t1", "t2"])
        self.poll(config)

        preview = self.run_tributary("digest", "preview", "daily", "-c", config)
        self.assertEqual(preview.returncode, 0, preview.stderr.decode())
        parsed = email.message_from_bytes(preview.stdout, policy=email.policy.default)
        self.assertEqual(len(self.links(parsed)), 5)
        self.assertEqual(self.received(), [])  # preview sends nothing

        self.send(config)
        messages = self.received()
        self.assertEqual(len(messages), 1)
        self.assert_well_formed(messages[0], 5)
        self.assertEqual(sorted(self.links(messages[0])), sorted(
            ["https://news.example.org/n1", "https://news.example.org/n2",
             "https://news.example.org/n3", "https://tech.example.org/t1",
             "https://tech.example.org/t2"]))

        # Nothing new: nothing sent.
        out = self.send(config)
        self.assertIn("nothing new", out.stdout.decode())
        self.assertEqual(len(self.received()), 1)
        empty = self.run_tributary("digest", "preview", "daily", "-c", config)
        self.assertEqual(self.links(email.message_from_bytes(
            empty.stdout, policy=email.policy.default)), [])
        since = self.run_tributary("digest", "preview", "daily", "--since",
                                   "2000-01-01T00:00:00Z", "-c", config)
        self.assertEqual(len(self.links(email.message_from_bytes(
            since.stdout, policy=email.policy.default))), 5)

        # New items go into the next message only.
        self.add_items("/tech.xml", ["t3"])
        self.poll(config)
        self.send(config)
        messages = self.received()
        self.assertEqual(len(messages), 2)
        self.assertEqual(self.links(messages[1]), ["https://tech.example.org/t3"])
        self.assertNotEqual(messages[0]["message-id"], messages[1]["message-id"])
        runs = self.query(self.path("var", "tributary.db"),
                          "SELECT state FROM digest_runs WHERE digest = 'daily'")
        self.assertEqual(runs, [("sent",), ("sent",)])

    def check_failure_then_recovery(self, mode):
        sink, port = self.start_sink(mode=mode, count=1)
        config = self.config(port)
        self.poll(config)
        self.add_items("/news.xml", ["a1", "a2"])
        self.poll(config)
        if mode == "refuse":
            failed = self.send(config, expect=75)
            sink.kill()
            sink.wait()
            self.start_sink(port=port)
        else:
            failed = self.send(config, expect=75)
        self.assertIn("queued", failed.stderr.decode())
        self.assertEqual(self.received(), [])
        runs = self.query(self.path("var", "tributary.db"),
                          "SELECT state, attempts FROM digest_runs")
        self.assertEqual(runs, [("planned", 1)])

        # Items arriving meanwhile go into a second message after the queued one.
        self.add_items("/tech.xml", ["b1"])
        self.poll(config)
        self.send(config)
        messages = self.received()
        self.assertEqual(len(messages), 2, mode)
        links = self.links(messages[0]) + self.links(messages[1])
        self.assertEqual(sorted(links), ["https://news.example.org/a1",
                                         "https://news.example.org/a2",
                                         "https://tech.example.org/b1"])
        self.assertEqual(self.links(messages[0]), ["https://news.example.org/a1",
                                                   "https://news.example.org/a2"])
        self.send(config)
        self.assertEqual(len(self.received()), 2)

    def test_daemon_catches_up_once_after_downtime(self):
        _, port = self.start_sink()
        config = self.config(port)
        self.poll(config)
        self.add_items("/news.xml", ["c1", "c2"])
        self.poll(config)
        # As if the daemon had been down over several daily slots.
        database = self.path("var", "tributary.db")
        connection = sqlite3.connect(database)
        connection.execute("UPDATE digest_cursors SET last_slot = last_slot - 4 * 86400")
        connection.commit()
        connection.close()
        daemon = self.start_daemon(config)
        self.wait_for(lambda: len(glob.glob(self.path("sink", "*.eml"))) >= 1,
                      what="the catch-up digest")
        time.sleep(0.5)
        self.assertEqual(self.stop(daemon), 0, self.daemon_log())
        messages = self.received()
        self.assertEqual(len(messages), 1)  # one message, not one per missed slot
        self.assertEqual(self.links(messages[0]), ["https://news.example.org/c1",
                                                   "https://news.example.org/c2"])
        self.assertIn("stopped cleanly", self.daemon_log())

    def test_sighup_applies_digest_changes_and_hands_over_once(self):
        _, port = self.start_sink()
        config = self.config(port)
        self.poll(config)
        self.add_items("/news.xml", ["d1"])
        self.poll(config)
        daemon = self.start_daemon(config)
        self.wait_for(lambda: "running" in self.daemon_log(), what="the daemon to start")
        # A slot is now overdue (as after downtime) and the recipient changes;
        # only the reloaded service can act on either.
        connection = sqlite3.connect(self.path("var", "tributary.db"))
        connection.execute("UPDATE digest_cursors SET last_slot = last_slot - 2 * 86400")
        connection.commit()
        connection.close()
        with open(config, encoding="utf-8") as f:
            text = f.read()
        self.write_config(text.replace("to: [reader@example.org]", "to: [other@example.org]"))
        daemon.send_signal(signal.SIGHUP)
        self.wait_for(lambda: len(glob.glob(self.path("sink", "*.eml"))) >= 1,
                      what="the digest of the reloaded service")
        time.sleep(0.5)
        self.assertEqual(self.stop(daemon), 0, self.daemon_log())
        self.assertIn("generation 2", self.daemon_log())
        messages = self.received()
        self.assertEqual(len(messages), 1, self.daemon_log())
        self.assertEqual(str(messages[0]["to"]), "other@example.org")
        self.assertEqual(self.links(messages[0]), ["https://news.example.org/d1"])

    def test_refused_connection_keeps_items_queued(self):
        self.check_failure_then_recovery("refuse")

    def test_421_keeps_items_queued(self):
        self.check_failure_then_recovery("tempfail")

    def test_drop_mid_data_keeps_items_queued(self):
        self.check_failure_then_recovery("drop")


if __name__ == "__main__":
    unittest.main()
