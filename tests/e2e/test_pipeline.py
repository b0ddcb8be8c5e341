"""End to end: the real binary against a real HTTP server on 127.0.0.1,
from YAML config to merged feed (issue 2's "done when")."""

import os
import re
import signal
import subprocess
import time
import unittest
import xml.etree.ElementTree as ET

from harness import DATA, REPO, TributaryTestCase, rss

ATOM = "{http://www.w3.org/2005/Atom}"
SCHEMA = os.path.join(DATA, "output", "atom.rng")


def entries(atom_file):
    root = ET.parse(atom_file).getroot()
    result = []
    for entry in root.findall(ATOM + "entry"):
        source = entry.find(ATOM + "source")
        result.append({
            "id": entry.findtext(ATOM + "id"),
            "title": entry.findtext(ATOM + "title"),
            "link": entry.find(ATOM + "link").get("href"),
            "source": source.findtext(ATOM + "title") if source is not None else None,
        })
    return result


class PipelineTest(TributaryTestCase):

    def setUp(self):
        super().setUp()
        feeds = os.path.join(REPO, "examples", "feeds")
        self.server.serve_file("/planet.xml", os.path.join(feeds, "planet-rss2.xml"),
                               "application/rss+xml")
        self.server.serve_file("/science.rdf", os.path.join(feeds, "science-rss1.rdf"),
                               "application/rdf+xml")
        self.server.serve_file("/tools.atom", os.path.join(feeds, "tools-atom.xml"),
                               "application/atom+xml")
        self.server.serve("/broken.xml", '<?xml version="1.0"?>\n<<<this is not XML>>>',
                          "application/rss+xml")
        # /missing.xml is not served: 404.

    def config(self, extra_feeds="", listen=None):
        server = ("server:\n  listen: \"%s\"\n" % listen) if listen else "server:\n  enabled: false\n"
        return self.write_config(
            "storage:\n  path: var/tributary.db\n"
            "output_interval: 1s\n"
            + server +
            "feeds:\n"
            "  - url: %s\n    name: Planet\n    interval: 1s\n"
            "  - url: %s\n    name: Science\n    interval: 1s\n"
            "  - url: %s\n    name: Tools\n    interval: 1s\n"
            "  - url: %s\n    name: Broken feed\n    interval: 1s\n"
            "  - url: %s\n    name: Missing feed\n    interval: 1s\n"
            "%s"
            "outputs:\n"
            "  - type: feed\n    format: atom\n    path: public/all.atom\n"
            "    url_path: /all.atom\n    title: Everything\n    max_items: 100\n"
            % (self.server.url("/planet.xml"), self.server.url("/science.rdf"),
               self.server.url("/tools.atom"), self.server.url("/broken.xml"),
               self.server.url("/missing.xml"), extra_feeds))

    def item_count(self):
        return self.query(self.path("var", "tributary.db"), "SELECT COUNT(*) FROM items")[0][0]

    def test_poll_stores_every_item_once_and_reports_broken_feeds(self):
        config = self.config()
        result = self.run_tributary("poll", "-c", config)
        log = result.stderr.decode()
        self.assertEqual(result.returncode, 1, log)
        self.assertIn("2 failed", result.stdout.decode())
        self.assertRegex(log, r"feed 'Broken feed': (parse_error|not_a_feed)")
        self.assertRegex(log, r"feed 'Missing feed': http_4xx")

        got = entries(self.path("public", "all.atom"))
        self.assertEqual(len(got), 7, got)  # 3 + 2 + 2
        self.assertEqual(len({e["id"] for e in got}), 7)
        by_title = {e["title"]: e for e in got}
        self.assertEqual(by_title["Release 4.2 is out"]["source"], "Planet")
        self.assertEqual(by_title["A comet with two tails"]["source"], "Science")
        self.assertEqual(by_title["Shell scripts that last"]["link"],
                         "https://tools.example.com/2026/lasting-shell")
        self.assertEqual(self.item_count(), 7)

        # The merged feed is valid Atom (RFC 4287's RELAX NG schema).
        check = subprocess.run(["xmllint", "--noout", "--relaxng", SCHEMA,
                                self.path("public", "all.atom")], capture_output=True)
        self.assertEqual(check.returncode, 0, check.stderr.decode())

    def test_second_round_is_answered_304_and_stores_nothing(self):
        config = self.config()
        self.run_tributary("poll", "-c", config)
        before = os.stat(self.path("public", "all.atom")).st_mtime_ns
        time.sleep(0.05)
        self.run_tributary("poll", "-c", config)
        second = self.server.hits("/planet.xml")[-1]
        self.assertIn("If-None-Match", second[2])
        self.assertEqual(second[3], 304)
        self.assertEqual(self.item_count(), 7)
        # Nothing changed, so the output file was not rewritten.
        self.assertEqual(os.stat(self.path("public", "all.atom")).st_mtime_ns, before)

    def test_a_changed_feed_adds_exactly_its_new_items(self):
        self.server.serve("/changing.xml", rss("Changing", [
            ("a", "First", "Mon, 23 Nov 2026 10:00:00 GMT"),
            ("b", "Second", "Mon, 23 Nov 2026 11:00:00 GMT")]))
        config = self.config("  - url: %s\n    name: Changing\n" % self.server.url("/changing.xml"))
        self.run_tributary("poll", "-c", config)
        self.assertEqual(self.item_count(), 9)
        self.server.serve("/changing.xml", rss("Changing", [
            ("c", "Third", "Tue, 24 Nov 2026 09:00:00 GMT"),
            ("a", "First", "Mon, 23 Nov 2026 10:00:00 GMT"),
            ("b", "Second", "Mon, 23 Nov 2026 11:00:00 GMT")]))
        result = self.run_tributary("poll", "-c", config, "--feed", "Changing")
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        self.assertIn("1 new items", result.stdout.decode())
        self.assertEqual(self.item_count(), 10)
        titles = [e["title"] for e in entries(self.path("public", "all.atom"))]
        self.assertEqual(titles.count("Third"), 1)
        self.assertEqual(titles.count("First"), 1)

    def test_edited_item_is_updated_not_duplicated(self):
        self.server.serve("/edit.xml", rss("Edit", [("a", "Draft title", "Mon, 23 Nov 2026 10:00:00 GMT")]))
        config = self.config("  - url: %s\n    name: Edit\n" % self.server.url("/edit.xml"))
        self.run_tributary("poll", "-c", config)
        self.server.serve("/edit.xml", rss("Edit", [("a", "Final title", "Mon, 23 Nov 2026 10:00:00 GMT")]))
        self.run_tributary("poll", "-c", config, "--feed", "Edit")
        rows = self.query(self.path("var", "tributary.db"),
                          "SELECT title FROM items WHERE link LIKE '%/a'")
        self.assertEqual(rows, [("Final title",)])

    def test_daemon_picks_up_a_new_feed_on_sighup_and_exits_0_on_sigterm(self):
        config = self.config()
        daemon = self.start_daemon(config)
        atom = self.path("public", "all.atom")
        self.wait_for(lambda: os.path.exists(atom) and len(entries(atom)) == 7,
                      what="the first merged feed")
        self.server.serve("/late.xml", rss("Late", [("z", "Late news", "Tue, 24 Nov 2026 12:00:00 GMT")]))
        self.config("  - url: %s\n    name: Late\n    interval: 1s\n" % self.server.url("/late.xml"))
        daemon.send_signal(signal.SIGHUP)
        self.wait_for(lambda: any(e["title"] == "Late news" for e in entries(atom)),
                      what="the feed added by SIGHUP")
        self.assertIn("generation 2", self.daemon_log())

        # A broken config is rejected whole; the daemon keeps running.
        self.write_config("feeds: [this is: not valid\n")
        daemon.send_signal(signal.SIGHUP)
        self.wait_for(lambda: "reload rejected" in self.daemon_log(), what="the rejection")
        self.assertIsNone(daemon.poll())

        started = time.monotonic()
        self.assertEqual(self.stop(daemon), 0, self.daemon_log())
        self.assertLess(time.monotonic() - started, 5)
        self.assertIn("stopped cleanly", self.daemon_log())
        check = self.query(self.path("var", "tributary.db"), "PRAGMA integrity_check")
        self.assertEqual(check, [("ok",)])

    def test_daemon_applies_the_global_retention_cap(self):
        config = self.config()
        self.run_tributary("poll", "-c", config)
        self.assertEqual(self.item_count(), 7)
        with open(config, encoding="utf-8") as f:
            text = f.read()
        self.write_config(text.replace("storage:\n", "storage:\n  max_items: 3\n", 1))
        daemon = self.start_daemon(config)
        self.wait_for(lambda: "deleted the 4 oldest items" in self.daemon_log(),
                      what="global retention")
        self.assertEqual(self.stop(daemon), 0, self.daemon_log())
        self.assertEqual(self.item_count(), 3)
        tombstones = self.query(self.path("var", "tributary.db"), "SELECT COUNT(*) FROM tombstones")
        self.assertEqual(tombstones, [(4,)])

    def test_parse_json_prints_the_sina_item(self):
        result = self.run_tributary("parse", "--json",
                                    os.path.join(REPO, "examples", "feeds", "sina-finance-china.rss.xml"))
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        import json
        doc = json.loads(result.stdout)
        self.assertEqual(doc["items"][0]["title"],
                         "5月至8月中旬，教育部开展高校毕业生就业“百日冲刺”活动")
        self.assertEqual(doc["items"][0]["published"], "2022-05-09T02:48:24Z")
        gbk = self.run_tributary("parse", "--json",
                                 os.path.join(REPO, "examples", "feeds", "sina-finance-china.gb2312.rss.xml"))
        self.assertEqual(json.loads(gbk.stdout), doc)

    def test_parse_rejects_a_page_that_is_not_a_feed(self):
        page = self.path("page.html")
        with open(page, "w") as f:
            f.write("<html><head><link rel=alternate type=application/rss+xml "
                    "href=/feed.xml></head><body>hi</body></html>")
        result = self.run_tributary("parse", "--json", page, "--url", "https://example.org/x")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("https://example.org/feed.xml", result.stderr.decode())

    def test_check_config_names_file_line_and_key(self):
        bad = self.write_config("feeds:\n  - url: https://example.org/feed\n    intervall: 5m\n",
                                "bad.yaml")
        result = self.run_tributary("check-config", "-c", bad)
        self.assertEqual(result.returncode, 78)
        message = result.stderr.decode()
        self.assertIn("bad.yaml:3", message)
        self.assertIn("intervall", message)


if __name__ == "__main__":
    unittest.main()
