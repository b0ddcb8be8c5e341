"""End to end: the real binary polls the worked Hexo example over loopback
HTTP and must write ../shared/examples/hexo/expected-post.md byte for byte
(issue 6), from the UTF-8 feed and from the copy labelled gb2312."""

import os
import shutil
import time
import unittest

from harness import DATA, TributaryTestCase

HEXO = os.path.join(DATA, "output", "hexo")


def read_post(file_name):
    """The file's bytes; blank lines at the start and end do not count."""
    with open(file_name, "rb") as f:
        return f.read().strip(b"\r\n")


class MarkdownExportTest(TributaryTestCase):

    def config(self, feed_path, extra_output=""):
        return self.write_config(
            "storage:\n  path: var/tributary.db\n"
            "server:\n  enabled: false\n"
            "feeds:\n"
            "  - url: %s\n"
            "    categories: [金融, 新浪财经]\n"
            "    author: 新浪财经\n"
            "outputs:\n"
            "  - type: markdown\n    template: hexo\n    dir: blog/source/_posts\n%s"
            % (self.server.url(feed_path), extra_output))

    def posts(self):
        folder = self.path("blog", "source", "_posts")
        if not os.path.isdir(folder):
            return []
        return sorted(os.path.join(folder, name) for name in os.listdir(folder)
                      if name.endswith(".md"))

    def export(self, feed_file, content_type):
        self.server.serve_file("/sina.xml", os.path.join(HEXO, feed_file), content_type)
        config = self.config("/sina.xml")
        result = self.run_tributary("poll", "-c", config)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        posts = self.posts()
        self.assertEqual(len(posts), 1, posts)
        return config, posts[0]

    def assert_expected_post(self, post):
        with open(os.path.join(HEXO, "expected-post.md"), "rb") as f:
            expected = f.read().strip(b"\r\n")
        got = read_post(post)
        if got != expected:
            # Name the first differing line: a 10 KB diff of Chinese text is unreadable.
            for number, (a, b) in enumerate(zip(got.split(b"\n"), expected.split(b"\n")), 1):
                if a != b:
                    self.fail("line %d differs:\n got      %r\n expected %r" % (number, a, b))
            self.fail("lengths differ: got %d bytes, expected %d" % (len(got), len(expected)))

    def test_utf8_feed_gives_the_expected_post(self):
        _, post = self.export("sina-finance-china.rss.xml", "application/rss+xml; charset=utf-8")
        self.assert_expected_post(post)
        # The name is date + readable CJK slug, never a path outside the folder.
        name = os.path.basename(post)
        self.assertTrue(name.startswith("2022-05-09-"), name)
        self.assertIn("教育部", name)

    def test_gb2312_labelled_copy_gives_the_same_post(self):
        # Served the way Chinese sites do: text/xml with the wrong, narrower label.
        _, post = self.export("sina-finance-china.gb2312-label.rss.xml",
                              "text/xml; charset=gb2312")
        self.assert_expected_post(post)

    def test_unchanged_item_is_not_rewritten(self):
        config, post = self.export("sina-finance-china.rss.xml", "application/rss+xml")
        before = os.stat(post).st_mtime_ns
        time.sleep(0.05)
        # Same item, other bytes (so another ETag): a full fetch, not a 304,
        # and the item goes through ingest and export again.
        with open(os.path.join(HEXO, "sina-finance-china.rss.xml"), "rb") as f:
            self.server.serve("/sina.xml", f.read() + b"\n", "application/rss+xml")
        result = self.run_tributary("poll", "-c", config)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        self.assertEqual(self.server.hits("/sina.xml")[-1][3], 200)
        self.assertEqual(os.stat(post).st_mtime_ns, before)
        self.assert_expected_post(post)

    def test_a_file_it_did_not_write_is_never_overwritten(self):
        _, post = self.export("sina-finance-china.rss.xml", "application/rss+xml")
        # Start over (no database, no record of what was written), with the
        # blog owner's own file where the post would go.
        shutil.rmtree(self.path("var"))
        shutil.rmtree(self.path("blog"))
        os.makedirs(os.path.dirname(post))
        with open(post, "w", encoding="utf-8") as f:
            f.write("the owner's post\n")
        result = self.run_tributary("poll", "-c", self.path("tributary.yaml"))
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        with open(post, encoding="utf-8") as f:
            self.assertEqual(f.read(), "the owner's post\n")
        self.assertIn("was not written by tributary", result.stderr.decode())

    def test_command_runs_once_after_new_posts(self):
        marker = self.path("generated.log")
        extra = ("    command: [/bin/sh, -c, 'echo run >> %s']\n    command_timeout: 10s\n"
                 % marker)
        self.server.serve_file("/sina.xml", os.path.join(HEXO, "sina-finance-china.rss.xml"),
                               "application/rss+xml")
        config = self.config("/sina.xml", extra)
        result = self.run_tributary("poll", "-c", config)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        with open(marker) as f:
            self.assertEqual(f.read(), "run\n")
        # Nothing new on the second round (304): the command does not run again.
        result = self.run_tributary("poll", "-c", config)
        self.assertEqual(result.returncode, 0, result.stderr.decode())
        with open(marker) as f:
            self.assertEqual(f.read(), "run\n")


if __name__ == "__main__":
    unittest.main()
