"""Scale-out end to end: three real `tributary run` daemons share one real
PostgreSQL 15 server (started here in a temporary directory, Unix socket
only) and poll 300 feeds from the harness's FeedServer on 127.0.0.1, which
records every request with its User-Agent (one per node).

Checks, in one run of about a minute and a half:
- every feed is fetched in the first round, and then about once per
  interval, never twice within one interval (by one node or two);
- the polling is split: every node fetches a share;
- one node is the writer (output file) and one sends the digests; after
  `kill -9` of the node holding both, the others take its feeds over within
  lease + interval, a survivor becomes the writer and another (or the same)
  sends the overdue digest;
- the merged feed, served by a surviving node and written to the file by
  the new writer, holds every served item exactly once;
- the digest in the maildir holds every item exactly once.
"""

import collections
import email
import email.policy
import glob
import json
import os
import re
import signal
import socket
import subprocess
import time
import unittest
import urllib.error
import urllib.request
from xml.etree import ElementTree

from harness import BINARY, PgServer, TributaryTestCase, rss

FEEDS = 300
INTERVAL = 10  # seconds, fetch.interval; polls land within +/-10% jitter
LEASE = 10  # seconds, cluster.lease (its minimum)
ATOM = "{http://www.w3.org/2005/Atom}"
ITEM_LINK = re.compile(r"https://f\d+\.example\.org/i\d+-\d+")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ClusterTest(TributaryTestCase):
    @classmethod
    def setUpClass(cls):
        cls.pg = PgServer()

    @classmethod
    def tearDownClass(cls):
        cls.pg.close()

    def setUp(self):
        super().setUp()
        self.url = self.pg.create_database()
        self.items = {i: 2 for i in range(FEEDS)}
        self.serve_all()
        self.logs = {}
        self.ports = {}
        # A daily digest whose time of day was 12 hours ago: no slot comes
        # due while the test runs, whatever the wall clock says; the test
        # makes one overdue by moving the cursor back a day.
        slot = time.gmtime(time.time() - 12 * 3600)
        self.digest_time = "%02d:%02d" % (slot.tm_hour, slot.tm_min)

    def serve_all(self):
        for i in range(FEEDS):
            link = "https://f%d.example.org/" % i
            items = [("i%d-%d" % (i, k), "Item %d-%d" % (i, k),
                      "Tue, 24 Nov 2026 %02d:00:00 GMT" % k) for k in range(self.items[i])]
            self.server.serve("/f%d.xml" % i, rss("Feed %d" % i, items, link=link))

    def config(self, node):
        self.ports[node] = free_port()
        lines = [
            "storage:\n  url: \"%s\"\n" % self.url,
            "cluster:\n  node: %s\n  lease: %ds\n" % (node, LEASE),
            "fetch:\n  interval: %ds\n  min_interval: %ds\n  user_agent: tributary-e2e/%s\n"
            % (INTERVAL, INTERVAL, node),
            "server:\n  listen: 127.0.0.1:%d\n  public_url: https://feeds.example.org\n"
            % self.ports[node],
            "output_interval: 2s\n",
            "outputs:\n  - type: feed\n    path: out/all.atom\n    url_path: /all.atom\n"
            "    max_items: 100000\n",
            "digests:\n  - name: cluster\n    schedule: daily %s\n" % self.digest_time,
            "    from: tributary@example.org\n    to: [reader@example.org]\n"
            "    delivery: maildir:mail\n    max_items: 100000\n"
            "    max_items_per_feed: 100000\n",
            "feeds:\n",
        ]
        lines += ["  - url: %s\n" % self.server.url("/f%d.xml" % i) for i in range(FEEDS)]
        return self.write_config("".join(lines), name=node + ".yaml")

    def start_node(self, node):
        config = self.config(node)
        self.logs[node] = self.path(node + ".log")
        log = open(self.logs[node], "wb")
        process = subprocess.Popen([BINARY, "--log-level", "info", "run", "-c", config],
                                   cwd=self.dir, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self.processes.append(process)
        return process

    def log_of(self, node):
        with open(self.logs[node], "rb") as f:
            return f.read().decode("utf-8", "replace")

    def all_logs(self):
        return "\n".join("== %s ==\n%s" % (n, self.log_of(n)[-4000:]) for n in self.logs)

    def wait(self, predicate, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.2)
        self.fail("timed out waiting for %s\n%s" % (what, self.all_logs()))

    def stored_items(self):
        try:
            return int(self.pg.sql(self.url, "SELECT count(*) FROM items")[0][0])
        except RuntimeError:
            return 0  # the first node has not created the schema yet

    def requests(self):
        """(feed number, node, arrival) of every feed request so far."""
        with self.server.lock:
            agents = list(self.server.agents)
        out = []
        for path, agent, at in agents:
            match = re.match(r"/f(\d+)\.xml", path)
            if match:
                out.append((int(match.group(1)), agent.rpartition("/")[2], at))
        return out

    def per_feed(self, requests):
        times = collections.defaultdict(list)
        for feed, _, at in requests:
            times[feed].append(at)
        return {feed: sorted(t) for feed, t in times.items()}

    def merged_links(self, body):
        """The alternate link of every entry of an Atom document."""
        links = []
        for entry in ElementTree.fromstring(body).iter(ATOM + "entry"):
            for link in entry.findall(ATOM + "link"):
                if link.get("rel", "alternate") == "alternate":
                    links.append(link.get("href"))
        return links

    def test_three_nodes_split_polling_and_survive_a_kill(self):
        nodes = ["node1", "node2", "node3"]
        first = self.start_node("node1")
        self.wait(lambda: "running" in self.log_of("node1"), 30, "node1 to start")
        others = {n: self.start_node(n) for n in nodes[1:]}
        # Phase 1: the first round reaches every feed once.
        self.wait(lambda: self.stored_items() == 2 * FEEDS, 90, "the first round")
        first_round_done = time.monotonic()
        self.assertIn("cluster: node node1 writes the output files", self.log_of("node1"))
        self.wait(lambda: "this node sends the digests" in self.log_of("node1"), 20,
                  "node1 to take the digests")
        for n in nodes[1:]:
            self.assertIn("another node writes the files", self.log_of(n))

        # Phase 2: steady polling for a few intervals, then a new item in
        # every feed, which the next polls store.
        time.sleep(2.5 * INTERVAL)
        for i in range(FEEDS):
            self.items[i] = 3
        self.serve_all()
        self.wait(lambda: self.stored_items() == 3 * FEEDS, 3 * INTERVAL, "the third items")
        steady = self.requests()
        killed_at = time.monotonic()

        # Phase 3: a digest slot is overdue and node1, the writer and the
        # digest sender, dies without a word.
        self.pg.sql(self.url, "UPDATE digest_cursors SET last_slot = last_slot - 86400")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        orphans = {feed for feed, node, _ in steady if node == "node1"}
        self.assertTrue(orphans)
        # Each of node1's feeds is fetched again within lease + interval.
        bound = LEASE + 1.1 * INTERVAL + 5

        def resumed():
            later = {feed for feed, _, at in self.requests() if at > killed_at}
            return orphans <= later
        self.wait(resumed, bound + 10, "node1's feeds on the other nodes")
        resumed_at = {}
        for feed, node, at in self.requests():
            if at > killed_at and feed not in resumed_at:
                self.assertNotEqual(node, "node1")
                resumed_at[feed] = at - killed_at
        late = {f: round(t, 1) for f, t in resumed_at.items() if f in orphans and t > bound}
        self.assertFalse(late, "feeds resumed later than lease + interval")

        self.wait(lambda: any("writes the output files" in self.log_of(n) for n in nodes[1:]),
                  3 * LEASE, "a new writer")
        self.wait(lambda: glob.glob(self.path("mail", "new", "*")), 3 * LEASE,
                  "the overdue digest from a surviving node")

        # The merged feed from a surviving node's server, and the file the
        # new writer wrote: every item exactly once.
        def served(node):
            with urllib.request.urlopen("http://127.0.0.1:%d/all.atom" % self.ports[node],
                                        timeout=10) as response:
                return response.read().decode("utf-8")
        expected = {"https://f%d.example.org/i%d-%d" % (i, i, k)
                    for i in range(FEEDS) for k in range(3)}
        for node in nodes[1:]:
            self.wait(lambda: len(self.merged_links(served(node))) >= 3 * FEEDS, 20,
                      "all items on %s's server" % node)
            links = self.merged_links(served(node))
            self.assertEqual(len(links), len(set(links)))
            self.assertEqual(set(links), expected)

        # Both servers render the same database into the same bytes, so a
        # reader's cached ETag from one node is a 304 on the other.
        def etag(node):
            with urllib.request.urlopen("http://127.0.0.1:%d/all.atom" % self.ports[node],
                                        timeout=10) as response:
                return response.headers["ETag"]
        self.wait(lambda: etag(nodes[1]) == etag(nodes[2]), 20, "one ETag on both servers")
        tag = etag(nodes[1])
        self.assertTrue(tag)
        conditional = urllib.request.Request("http://127.0.0.1:%d/all.atom" % self.ports[nodes[2]],
                                             headers={"If-None-Match": tag})
        with self.assertRaises(urllib.error.HTTPError) as not_modified:
            urllib.request.urlopen(conditional, timeout=10)
        self.assertEqual(not_modified.exception.code, 304)

        def written():
            try:
                with open(self.path("out", "all.atom"), encoding="utf-8") as f:
                    return self.merged_links(f.read())
            except FileNotFoundError:
                return []
        self.wait(lambda: len(written()) == 3 * FEEDS, 20, "the new writer's file")
        self.assertEqual(set(written()), expected)

        time.sleep(1)
        messages = glob.glob(self.path("mail", "new", "*"))
        self.assertEqual(len(messages), 1, self.all_logs())
        with open(messages[0], "rb") as f:
            message = email.message_from_bytes(f.read(), policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        mailed = collections.Counter(ITEM_LINK.findall(text))
        self.assertEqual(set(mailed), expected)
        self.assertEqual(max(mailed.values()), 1)

        # Each node's /metrics: its name, its role, its claims.
        for node in nodes[1:]:
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.ports[node],
                                        timeout=10) as response:
                metrics = response.read().decode("utf-8")
            self.assertRegex(metrics, r'tributary_cluster_node_info\{node="%s",writer="(true|false)"\} 1'
                             % node)
            granted = re.search(r'tributary_cluster_claims_total\{result="granted"\} (\d+)', metrics)
            self.assertIsNotNone(granted, metrics)
            self.assertGreater(int(granted.group(1)), 0)
            self.assertIn("tributary_cluster_lease_takeovers_total", metrics)
            self.assertIn("tributary_cluster_claim_seconds_count", metrics)
        # `tributary status` names the node fetching a feed, if any.
        status = self.run_tributary("status", "--json", "-c", self.path("node2.yaml"))
        self.assertEqual(status.returncode, 0, status.stderr.decode())
        rows = json.loads(status.stdout)
        self.assertEqual(len(rows), FEEDS)
        self.assertTrue(all(row["lease_node"] in ("", "node2", "node3") for row in rows), rows)

        for node, process in others.items():
            self.assertEqual(self.stop(process), 0, self.log_of(node))
            self.assertIn("stopped cleanly", self.log_of(node))

        # Polling, over the whole run: every feed was fetched in the first
        # round, no feed twice within one interval, and none left out of an
        # interval while all nodes ran. A poll is due 0.9 to 1.1 intervals
        # after the previous one was stored (jitter), in whole seconds, so
        # it may come up to a second sooner: 0.75 intervals is the floor.
        # Two nodes fetching the same due feed would show as a gap of a
        # fraction of a second.
        requests = self.requests()
        times = self.per_feed(requests)
        self.assertEqual(set(times), set(range(FEEDS)))
        too_close = {}
        too_far = {}
        for feed, arrivals in times.items():
            for a, b in zip(arrivals, arrivals[1:]):
                if b - a < 0.75 * INTERVAL:
                    too_close[feed] = round(b - a, 2)
                if first_round_done < a and b < killed_at and b - a > 1.1 * INTERVAL + 5:
                    too_far[feed] = round(b - a, 2)
        self.assertFalse(too_close, "fetched twice within one interval")
        self.assertFalse(too_far, "left out of an interval")
        by_node = collections.Counter(node for _, node, at in steady)
        for node in nodes:
            self.assertGreater(by_node[node], len(steady) / 10, by_node)


    def test_postgres_restart_under_running_nodes(self):
        """PostgreSQL stops under two running nodes and comes back: they
        keep serving what they rendered, say what failed, reconnect, and
        store every item once."""
        nodes = ["node1", "node2"]
        processes = [self.start_node(n) for n in nodes]
        self.wait(lambda: self.stored_items() == 2 * FEEDS, 4 * INTERVAL, "the first round")
        time.sleep(3)  # an output regeneration with everything in it

        self.pg.stop()
        down = time.monotonic()
        for i in range(FEEDS):
            self.items[i] = 3
        self.serve_all()
        # While the database is down every node still serves its last render.
        while time.monotonic() < down + INTERVAL + 3:
            for node in nodes:
                with urllib.request.urlopen("http://127.0.0.1:%d/all.atom" % self.ports[node],
                                            timeout=10) as response:
                    self.assertEqual(response.status, 200)
                    self.assertEqual(len(self.merged_links(response.read())), 2 * FEEDS)
            time.sleep(1)
        for node, process in zip(nodes, processes):
            self.assertIsNone(process.poll(), "%s exited with the database down\n%s"
                              % (node, self.log_of(node)[-4000:]))
        self.pg.start()

        self.wait(lambda: self.stored_items() >= 3 * FEEDS, 3 * INTERVAL + 2 * LEASE,
                  "the items served while the database was down")
        time.sleep(INTERVAL)  # another interval: nothing is stored twice
        rows = self.pg.sql(self.url, "SELECT count(*), count(DISTINCT link) FROM items")[0]
        self.assertEqual([int(rows[0]), int(rows[1])], [3 * FEEDS, 3 * FEEDS])
        for node, process in zip(nodes, processes):
            self.assertIsNone(process.poll(), node)
            log = self.log_of(node)
            # One error when the outage starts (two at most: one per
            # connection, the loop's and the digest worker's), one line
            # when it ends; not one per feed, output and timer.
            errors = [line for line in log.splitlines() if " error " in line]
            self.assertTrue(1 <= len(errors) <= 3, "%s: %s" % (node, "\n".join(errors[:10])))
            self.assertIn("until the database answers", errors[0])
            self.assertIn("the database answers again after", log)

    def test_check_config_connect_reports_the_server_and_the_schema(self):
        config = self.config("solo")

        def check():
            result = self.run_tributary("check-config", "--connect", "-c", config)
            return result.returncode, (result.stdout + result.stderr).decode()
        code, out = check()
        self.assertEqual(code, 0, out)
        self.assertRegex(out, r"database: PostgreSQL 15\.\d+ answers; no schema yet")
        self.assertIn("cluster: node solo, lease %d s" % LEASE, out)
        # A command that opens the store creates the schema.
        self.assertEqual(self.run_tributary("status", "-c", config).returncode, 0)
        code, out = check()
        self.assertEqual(code, 0, out)
        self.assertRegex(out, r"schema version \d+, current")
        # A schema from a newer tributary is reported, and refused.
        self.pg.sql(self.url, "UPDATE tributary_schema SET version = 999")
        code, out = check()
        self.assertNotEqual(code, 0)
        self.assertIn("newer than this program", out)
        # A server that does not answer: the error names the database.
        with open(config, encoding="utf-8") as f:
            text = f.read()
        dead = self.write_config(text.replace("port=%d" % self.pg.port, "port=1"), name="dead.yaml")
        result = self.run_tributary("check-config", "--connect", "-c", dead)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("cannot connect", result.stderr.decode())
        self.assertIn("port=1", result.stderr.decode())


if __name__ == "__main__":
    unittest.main()
