"""End to end: self-hosted sources (RSSHub, RSS-Bridge) put hundreds of
feeds on one host (issue 16). With the default settings a round of 300
feeds on the admin's own (loopback) host takes seconds, not the minutes the
polite public-host defaults would give; a public-looking host, reached here
through a loopback proxy so that nothing but 127.0.0.1 is touched, is still
asked two at a time, 500 ms apart."""

import time

from harness import TributaryTestCase, rss


class ManyFeedsOneHostTest(TributaryTestCase):

    def test_three_hundred_feeds_on_the_own_host_with_default_settings(self):
        feeds = []
        for i in range(300):
            path = "/route/%d" % i
            self.server.serve(path, rss("Route %d" % i, [
                ("r%d-a" % i, "Route %d first" % i, "Mon, 23 Nov 2026 10:00:00 GMT"),
                ("r%d-b" % i, "Route %d second" % i, "Mon, 23 Nov 2026 11:00:00 GMT")],
                link="https://rsshub.example/%d/" % i))
            feeds.append("  - url: %s\n" % self.server.url(path))
        config = self.write_config(
            "storage:\n  path: var/tributary.db\nserver:\n  enabled: false\n"
            "feeds:\n" + "".join(feeds) +
            "outputs:\n  - type: feed\n    format: atom\n    path: public/all.atom\n")
        started = time.monotonic()
        result = self.run_tributary("poll", "-c", config, timeout=120)
        elapsed = time.monotonic() - started
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        self.assertEqual(len(self.server.arrivals), 300)
        stored = self.query(self.path("var", "tributary.db"), "SELECT COUNT(*) FROM items")
        self.assertEqual(stored[0][0], 600)
        # At the public defaults (2 at once, 500 ms apart) this is 150 s.
        self.assertLess(elapsed, 30, "a round of 300 own-host feeds took %.1f s" % elapsed)

    def test_a_public_looking_host_is_still_spaced(self):
        feeds = []
        for i in range(5):
            url = "http://feeds.example.com/f%d.xml" % i
            self.server.serve(url, rss("Public %d" % i, [
                ("p%d" % i, "Public item %d" % i, "Mon, 23 Nov 2026 10:00:00 GMT")]))
            feeds.append("  - url: %s\n" % url)
        config = self.write_config(
            "storage:\n  path: var/tributary.db\nserver:\n  enabled: false\n"
            "fetch:\n  hosts:\n"
            "    - host: feeds.example.com\n      proxy: http://127.0.0.1:%d\n" % self.server.port +
            "feeds:\n" + "".join(feeds) +
            "outputs:\n  - type: feed\n    format: atom\n    path: public/all.atom\n")
        result = self.run_tributary("poll", "-c", config, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        arrivals = sorted(t for path, t in self.server.arrivals
                          if path.startswith("http://feeds.example.com/"))
        self.assertEqual(len(arrivals), 5, self.server.arrivals)
        gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
        # host_spacing 500 ms between starts; some slack for a busy machine.
        self.assertTrue(all(gap >= 0.35 for gap in gaps), gaps)
