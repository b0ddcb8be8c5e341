"""End to end: a new user's first minute (issue 19). `tributary run` on the
example config, with a long output_interval, publishes the sample items as
soon as the first documents are stored, and the river says how many feeds
have answered while one is still being fetched.

The example's public feeds are replaced by one loopback address that
accepts connections and never answers, so the test touches nothing but
127.0.0.1 and one feed stays unanswered for the whole test."""

import html
import os
import re
import shutil
import socket
import time
import urllib.request
import xml.etree.ElementTree as ET

from harness import REPO, TributaryTestCase

ATOM = "{http://www.w3.org/2005/Atom}"


def free_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


class FirstMinuteTest(TributaryTestCase):

    def setUp(self):
        super().setUp()
        shutil.copytree(os.path.join(REPO, "examples"), self.path("examples"))
        # Accepts into its backlog, never reads: a feed that never answers.
        self.silent = socket.socket()
        self.silent.bind(("127.0.0.1", 0))
        self.silent.listen(8)
        self.port = free_port()

    def tearDown(self):
        self.silent.close()
        super().tearDown()

    def example_config(self):
        with open(os.path.join(REPO, "etc", "tributary.example.yaml"), encoding="utf-8") as f:
            text = f.read()
        silent_url = "http://127.0.0.1:%d/feed.xml" % self.silent.getsockname()[1]
        public = re.findall(r"^  - url: (https://\S+)$", text, re.M)
        self.assertEqual(len(public), 3, "the example config's public feeds changed")
        text = text.replace("  - url: %s\n" % public[0], "  - url: %s\n" % silent_url)
        for url in public[1:]:
            text = re.sub(r"  - url: %s\n(    \S.*\n)*" % re.escape(url), "", text)
        self.assertNotIn("https://", "".join(re.findall(r"^  - url: .*$", text, re.M)))
        text = text.replace("listen: 127.0.0.1:8080", "listen: 127.0.0.1:%d" % self.port)
        self.assertIn(str(self.port), text)
        return self.write_config("output_interval: 1h\n" + text)

    def test_outputs_appear_with_the_first_stored_items(self):
        started = time.monotonic()
        self.start_daemon(self.example_config())
        base = "http://127.0.0.1:%d" % self.port

        def atom_entries():
            body = fetch(base + "/all.atom")
            if body is None:
                return []
            return ET.fromstring(body.encode("utf-8")).findall(ATOM + "entry")

        # Within seconds, not the hour of output_interval: served and written.
        # The samples hold 9 items; the two Sina feeds share one, collapsed.
        self.wait_for(lambda: len(atom_entries()) >= 8, timeout=15, what="entries in /all.atom")
        self.assertLess(time.monotonic() - started, 15)
        titles = [e.findtext(ATOM + "title") for e in atom_entries()]
        self.assertEqual(len(titles), 8, titles)
        with open(self.path("public", "all.atom"), "rb") as f:
            written = ET.parse(f).getroot().findall(ATOM + "entry")
        self.assertEqual(len(written), len(titles))

        river = fetch(base + "/")
        self.assertIsNotNone(river)
        self.assertNotIn("No items yet", river)
        text = html.unescape(river)
        for title in titles:
            self.assertIn(title, text)
        # Five sample feeds answered; the silent one has not.
        self.assertIn("5 of 6 feeds have answered so far.", river)
