"""Issue 5, Durability: storage faults against the real binary (hostile-inputs
F3 and F4): a database locked by another process, a read-only database file,
a full disk. Each gives a clear error naming the database file, nothing is
corrupted or lost, and storing resumes once the fault is gone."""

import errno
import hashlib
import os
import sqlite3
import subprocess
import threading
import time
import unittest

from harness import BINARY, TributaryTestCase, rss

BASE_TIME = 1795000000  # 2026-11-18, within the default retention age


def rfc1123(seconds):
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(seconds))


def items(prefix, count, body_size=0):
    # The harness's rss() puts the title in the description: a long title
    # makes a big document.
    return [("%s-%d" % (prefix, n), "%s %d %s" % (prefix, n, "x" * body_size),
             rfc1123(BASE_TIME + n * 60)) for n in range(count)]


def sha256(file_name):
    with open(file_name, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class StorageFaultTest(TributaryTestCase):

    def config(self, data_dir="var"):
        return self.write_config(
            "storage:\n  path: %s/tributary.db\n"
            "output_interval: 1s\n"
            "server:\n  enabled: false\n"
            "fetch:\n  host_spacing: 0ms\n"
            "feeds:\n"
            "  - url: %s\n    name: News\n    interval: 1s\n"
            "outputs:\n"
            "  - type: feed\n    format: atom\n    path: %s/all.atom\n"
            "    url_path: /all.atom\n    title: Everything\n    max_items: 100\n"
            % (data_dir, self.server.url("/news.xml"), data_dir))

    def database(self, data_dir="var"):
        return self.path(data_dir, "tributary.db")

    def assertNamesDatabase(self, log, data_dir="var"):
        # Messages name the database as configured (relative to the config).
        self.assertIn(data_dir + "/tributary.db", log)

    def count(self, data_dir="var"):
        try:
            return self.query(self.database(data_dir), "SELECT COUNT(*) FROM items")[0][0]
        except sqlite3.OperationalError:  # not created yet
            return -1

    def integrity(self, data_dir="var"):
        return self.query(self.database(data_dir), "PRAGMA integrity_check")

    # F3: another process holds an exclusive lock longer than the busy timeout.
    def test_locked_database_is_a_busy_error_then_nothing_is_lost(self):
        self.server.serve("/news.xml", rss("News", items("a", 3)))
        config = self.config()
        first = self.run_tributary("poll", "-c", config)
        self.assertEqual(first.returncode, 0, first.stderr.decode())
        self.assertEqual(self.count(), 3)

        self.server.serve("/news.xml", rss("News", items("a", 6)))
        holder = sqlite3.connect(self.database(), timeout=0, isolation_level=None,
                                 check_same_thread=False)
        holder.execute("BEGIN EXCLUSIVE")
        released = threading.Event()

        def release():
            time.sleep(8)  # longer than the store's 5 s busy timeout
            holder.execute("ROLLBACK")
            holder.close()
            released.set()

        threading.Thread(target=release, daemon=True).start()
        try:
            locked = self.run_tributary("poll", "-c", config, timeout=60)
        finally:
            released.wait(20)
        log = locked.stderr.decode("utf-8", "replace")
        self.assertGreater(locked.returncode, 0, log)  # an error, not a crash (signal)
        self.assertLess(locked.returncode, 64 + 64, log)
        self.assertRegex(log.lower(), r"busy|locked", log)
        self.assertNamesDatabase(log)
        self.assertEqual(self.count(), 3)  # nothing half-stored

        again = self.run_tributary("poll", "-c", config)
        self.assertEqual(again.returncode, 0, again.stderr.decode())
        self.assertEqual(self.count(), 6)
        self.assertEqual(self.integrity(), [("ok",)])

    # F3 with the daemon: the lock comes while it runs; it keeps running,
    # retries, and converges once the lock is gone.
    def test_daemon_survives_a_lock_and_converges(self):
        self.server.serve("/news.xml", rss("News", items("b", 2)))
        config = self.config()
        daemon = self.start_daemon(config)
        self.wait_for(lambda: os.path.exists(self.database()) and self.count() == 2, 30,
                      "the first items")
        holder = sqlite3.connect(self.database(), timeout=10, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        self.server.serve("/news.xml", rss("News", items("b", 5)))
        try:
            self.wait_for(lambda: "locked" in self.daemon_log().lower()
                          or "busy" in self.daemon_log().lower(), 30, "a busy error")
            time.sleep(1.5)
            self.assertIsNone(daemon.poll(), self.daemon_log())
            self.assertNamesDatabase(self.daemon_log())
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        self.wait_for(lambda: self.count() == 5, 30, "the items after the lock is released")
        self.assertIsNone(daemon.poll())
        self.assertEqual(self.stop(daemon), 0)
        self.assertEqual(self.integrity(), [("ok",)])

    # Root ignores file modes, so the binary runs as nobody (setpriv) on a
    # database file and directory nobody may write.
    def test_read_only_database_is_a_clear_error_and_stays_untouched(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to run the binary as another user")
        self.server.serve("/news.xml", rss("News", items("c", 3)))
        config = self.config()
        self.assertEqual(self.run_tributary("poll", "-c", config).returncode, 0)
        self.server.serve("/news.xml", rss("News", items("c", 4)))
        # A clean close leaves no -wal/-shm; make sure of it.
        connection = sqlite3.connect(self.database())
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.close()
        before = sha256(self.database())
        os.chmod(self.dir, 0o755)
        for root, dirs, files in os.walk(self.dir):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
            for f in files:
                os.chmod(os.path.join(root, f), 0o644)
        os.chmod(self.database(), 0o444)
        result = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", BINARY, "poll",
             "-c", os.path.basename(config)], cwd=self.dir, capture_output=True, timeout=60)
        log = result.stderr.decode("utf-8", "replace")
        self.assertGreater(result.returncode, 0, log)
        self.assertLess(result.returncode, 128, log)
        self.assertIn("read-only", log)
        self.assertNamesDatabase(log)
        self.assertEqual(sha256(self.database()), before)
        self.assertEqual(self.count(), 3)
        os.chmod(self.database(), 0o644)
        again = self.run_tributary("poll", "-c", config)
        self.assertEqual(again.returncode, 0, again.stderr.decode())
        self.assertEqual(self.count(), 4)

    # F4/G3 for the output file alone: its directory is a small tmpfs, the
    # database is not. Growing the tmpfs (remount) brings the space back.
    def start_with_full_output_dir(self):
        public = self.mount_small_tmpfs("public", "256k")
        self.server.serve("/news.xml", rss("News", items("e", 3)))
        config = self.write_config(
            "storage:\n  path: var/tributary.db\n"
            "output_interval: 1s\n"
            "server:\n  enabled: false\n"
            "feeds:\n"
            "  - url: %s\n    name: News\n    interval: 1s\n"
            "outputs:\n"
            "  - type: feed\n    format: atom\n    path: public/all.atom\n"
            "    url_path: /all.atom\n    title: Everything\n    max_items: 100\n"
            % self.server.url("/news.xml"))
        atom = os.path.join(public, "all.atom")
        daemon = self.start_daemon(config)
        self.wait_for(lambda: os.path.exists(atom) and "wrote 3 entries" in self.daemon_log(), 30,
                      "the first output")
        before = sha256(atom)
        # About 1 MB of entries: more than the tmpfs holds.
        self.server.serve("/news.xml", rss("News", items("e", 3) + items("big", 100, 10000)))
        self.wait_for(lambda: "no space left" in self.daemon_log().lower(), 30,
                      "the output write failing")
        self.assertIsNone(daemon.poll(), self.daemon_log())
        self.assertIn("public/all.atom", self.daemon_log())
        self.assertEqual(sha256(atom), before)  # the old file stays, whole
        self.assertEqual(self.count(), 103)  # the items are stored all the same
        return public, atom, before, daemon

    def test_output_on_a_full_disk_keeps_the_old_file(self):
        self.start_with_full_output_dir()

    def test_output_is_rewritten_once_space_is_back(self):
        # A failed output write is retried after output_interval even when
        # no feed changes (hostile-inputs F4: "recovery without a restart").
        public, atom, before, daemon = self.start_with_full_output_dir()
        subprocess.run(["mount", "-o", "remount,size=16m", public], check=True)
        self.wait_for(lambda: sha256(atom) != before, 10, "the output rewritten")
        self.assertEqual(self.stop(daemon), 0)

    # F4: data dir on a small tmpfs, filled to the last byte.
    def mount_small_tmpfs(self, name, size):
        if os.geteuid() != 0:
            self.skipTest("mounting a tmpfs needs root")
        mount_point = self.path(name)
        os.makedirs(mount_point)
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s" % size, "tmpfs",
                                  mount_point], capture_output=True)
        if mounted.returncode != 0:
            self.skipTest("cannot mount a tmpfs here: %s" % mounted.stderr.decode().strip())
        self.addCleanup(subprocess.run, ["umount", "-l", mount_point], capture_output=True)
        return mount_point

    @staticmethod
    def fill(file_name):
        with open(file_name, "wb", buffering=0) as f:
            for chunk in (1 << 20, 1 << 12, 1):
                try:
                    while True:
                        f.write(b"\0" * chunk)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise

    def test_full_disk_is_a_clear_error_and_recovers(self):
        data = self.mount_small_tmpfs("data", "16m")
        self.server.serve("/news.xml", rss("News", items("d", 3)))
        config = self.config("data")
        atom = os.path.join(data, "all.atom")
        daemon = self.start_daemon(config)
        self.wait_for(lambda: os.path.exists(atom) and self.count("data") == 3, 30,
                      "the first items and output")
        time.sleep(1.5)  # let the output settle
        atom_before = sha256(atom)

        # The disk fills up while the daemon runs; then a 1 MB document comes.
        filler = os.path.join(data, "filler")
        self.fill(filler)
        self.server.serve("/news.xml", rss("News", items("d", 3) + items("big", 100, 10000)))
        self.wait_for(lambda: "full" in self.daemon_log().lower(), 30, "a disk full error")
        time.sleep(2.5)  # a few more rounds while full
        log = self.daemon_log()
        self.assertIsNone(daemon.poll(), log)
        self.assertNamesDatabase(log, "data")
        self.assertEqual(sha256(atom), atom_before)  # the old output stays
        self.assertEqual(self.count("data"), 3)

        os.remove(filler)  # space comes back: no restart needed
        self.wait_for(lambda: self.count("data") == 103, 30, "the items once space is back")
        self.wait_for(lambda: sha256(atom) != atom_before, 30, "the output rewritten")
        self.assertIsNone(daemon.poll())
        self.assertEqual(self.stop(daemon), 0)
        self.assertEqual(self.integrity("data"), [("ok",)])


if __name__ == "__main__":
    unittest.main()
