#!/usr/bin/env python3
"""Cluster benchmark: the first round over N generated feeds served from
127.0.0.1 (nginx, as bench/poll_bench.py), by `tributary run` daemons on
  - one node with SQLite (the embedded default),
  - one node with PostgreSQL,
  - three nodes with PostgreSQL,
each as wall time until every feed has been fetched and stored, the
daemons' CPU time and PostgreSQL's, and as a ratio to a baseline measured
in the same run: curl fetching the same URLs with the same parallelism.
Then the cost of the claim statement (Store::ClaimFeeds) at 1,000,000 feed
rows, as a ratio to a primary-key SELECT of the same ids, and the table and
index sizes a planner of a big cluster needs.

    bench/cluster_bench.py --feeds 1000 --items 50 --item-bytes 4500
    bench/cluster_bench.py --feeds 10000 --items 10 --item-bytes 1800 --defaults

PostgreSQL 15 is started here (initdb + pg_ctl in a temporary directory,
Unix socket only) with its durable defaults (fsync, synchronous_commit on),
as SQLite runs with synchronous=FULL. Only loopback addresses are used.
"""

import argparse
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
import poll_bench  # noqa: E402  (same workload, nginx and curl baseline)
from harness import PgServer  # noqa: E402

REPO = poll_bench.REPO


def postgres_cpu():
    """CPU seconds of PostgreSQL so far: its running processes and, through
    the postmaster, every backend that has exited."""
    total = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/comm" % pid) as f:
                if f.read().strip() != "postgres":
                    continue
            with open("/proc/%s/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            # utime, stime and the reaped children's cutime, cstime: the
            # postmaster collects its exited backends', so the sum only grows.
            total += sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError):
            continue
    return total


def write_config(path, storage, node, fetch, server):
    with open(path, "w") as f:
        f.write(storage)
        if node:
            f.write("cluster:\n  node: %s\n" % node)
        f.write("server:\n  enabled: false\n")
        f.write(fetch)
        f.write("outputs:\n  - type: feed\n    format: atom\n    path: all-%s.atom\n"
                "    max_items: 100\nfeeds:\n" % (node or "solo"))
        for i in range(server.feeds):
            f.write("  - url: %s\n" % server.url(i))


def fetched(storage_kind, where, pg):
    sql = "SELECT count(*) FROM feeds WHERE last_success IS NOT NULL"
    if storage_kind == "sqlite":
        if not os.path.exists(where):
            return 0
        try:
            connection = sqlite3.connect(where, timeout=5)
            try:
                return connection.execute(sql).fetchone()[0]
            finally:
                connection.close()
        except sqlite3.Error:
            return 0
    try:
        return int(pg.sql(where, sql)[0][0])
    except RuntimeError:
        return 0  # the schema is not there yet


def poll_rounds(args, work, configs, kind, pg_before):
    """`tributary poll` on every config at once; wall, their CPU, PG's CPU."""
    start = time.monotonic()
    stats = [os.path.join(work, "time%d.txt" % n) for n in range(len(configs))]
    processes = [subprocess.Popen(["/usr/bin/time", "-o", stats[n], "-f", "%U %S"] +
                                  [args.binary, "--log-level", "warn", "poll", "-c", c],
                                  cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for n, c in enumerate(configs)]
    for p in processes:
        p.wait(timeout=3600)
    wall = time.monotonic() - start
    pg_cpu = postgres_cpu() - pg_before if kind == "postgres" else 0.0
    cpu = 0.0
    for path in stats:
        with open(path) as f:
            user, system = f.read().split()[-2:]
        cpu += float(user) + float(system)
    return wall, cpu, pg_cpu


def first_round(args, work, server, pg, kind, nodes, fetch):
    """Starts `nodes` daemons on a fresh database; returns wall, CPU, PG CPU."""
    if kind == "sqlite":
        db = os.path.join(work, "cluster-bench.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)
        storage, where = "storage:\n  path: %s\n" % db, db
    else:
        where = pg.create_database()
        storage = "storage:\n  url: \"%s\"\n" % where
    configs = []
    for n in range(nodes):
        config = os.path.join(work, "node%d.yaml" % n)
        write_config(config, storage, "node%d" % n if kind == "postgres" else "", fetch, server)
        configs.append(config)
    pg_before = postgres_cpu()
    start = time.monotonic()
    connections = 0
    warm = None
    if args.command == "poll":
        # One round each (`tributary poll`), all nodes at once: each claims
        # batches, skips what another node holds, exits when its round ends.
        wall, cpu, pg_cpu = poll_rounds(args, work, configs, kind, pg_before)
        if fetched(kind, where, pg) < server.feeds:
            raise RuntimeError("the round left feeds unfetched")
        # The same again: every feed answers 304, the steady state of a
        # running cluster (a claim and a state commit per feed).
        warm_wall, warm_cpu, warm_pg = poll_rounds(args, work, configs, kind, postgres_cpu())
        warm = {"wall": warm_wall, "cpu": warm_cpu, "pg_cpu": warm_pg}
    else:
        processes = [subprocess.Popen([args.binary, "--log-level", "warn", "run", "-c", c],
                                      cwd=work, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
                     for c in configs]
        try:
            while fetched(kind, where, pg) < server.feeds:
                if any(p.poll() is not None for p in processes):
                    raise RuntimeError("a daemon exited during the round")
                time.sleep(0.1)
            wall = time.monotonic() - start
            cpu = sum(poll_bench.cpu_seconds(p.pid) for p in processes)
            pg_cpu = postgres_cpu() - pg_before if kind == "postgres" else 0.0
            if kind == "postgres":
                connections = int(pg.sql(where, "SELECT count(*) - 1 FROM pg_stat_activity "
                                         "WHERE datname = current_database()")[0][0])
        finally:
            for p in processes:
                p.terminate()
            for p in processes:
                p.wait(timeout=60)
    sizes = {}
    if kind == "postgres":
        row = pg.sql(where, "SELECT count(*), pg_total_relation_size('items'), "
                     "pg_total_relation_size('feeds') FROM items")[0]
        sizes = {"items": int(row[0]), "items_bytes": int(row[1]), "feeds_bytes": int(row[2])}
    return {"wall": wall, "cpu": cpu, "pg_cpu": pg_cpu, "connections": connections, "warm": warm,
            **sizes}


def psql_times(pg, url, script):
    """Runs a psql script with \\timing; returns each statement's ms."""
    result = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url], input=script.encode(),
                            capture_output=True, timeout=3600)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.decode())
    return [float(m) for m in re.findall(r"Time: ([0-9.]+) ms", result.stdout.decode())]


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def claim_cost(args, work, pg):
    """The claim statement at args.claim_rows feed rows, against a plain
    primary-key SELECT of the same batch; plus table and index sizes."""
    url = pg.create_database()
    config = os.path.join(work, "claim.yaml")
    with open(config, "w") as f:
        f.write("storage:\n  url: \"%s\"\n" % url)
    subprocess.run([args.binary, "status", "-c", config], cwd=work, check=True,
                   stdout=subprocess.DEVNULL)
    rows = args.claim_rows
    now = 1_800_000_000
    # Most feeds polled a while ago and due later, a tenth due now, a few
    # leased by other nodes, as in a running cluster.
    pg.sql(url, "INSERT INTO feeds (key, url, next_poll, lease_node, lease_until) "
           "SELECT 'https://f' || g || '.example/', 'https://f' || g || '.example/', "
           "CASE WHEN g %% 10 = 0 THEN %d ELSE %d END, "
           "CASE WHEN g %% 50 = 0 THEN 'other' END, CASE WHEN g %% 50 = 0 THEN %d END "
           "FROM generate_series(1, %d) AS g" % (now - 5, now + 900, now + 60, rows))
    pg.sql(url, "VACUUM ANALYZE feeds")
    rng = random.Random(5)
    batches = [[rng.randrange(1, rows + 1) for _ in range(args.batch)] for _ in range(args.claims)]
    claim = ("WITH due AS (SELECT id, lease_node FROM feeds WHERE id = ANY('{%s}'::bigint[]) "
             "AND (lease_until IS NULL OR lease_until < %d OR lease_node = 'bench') "
             "AND (false OR next_poll IS NULL OR next_poll <= %d) FOR UPDATE SKIP LOCKED) "
             "UPDATE feeds SET lease_node = 'bench', lease_until = %d FROM due "
             "WHERE feeds.id = due.id RETURNING feeds.id, COALESCE(due.lease_node <> 'bench', false);")
    select = "SELECT id FROM feeds WHERE id = ANY('{%s}'::bigint[]);"
    # Alternate the two so both see the same cache state; each claim is its
    # own transaction (autocommit), as in the daemon.
    script = ["\\timing on"]
    for ids in batches:
        text = ",".join(map(str, ids))
        script.append(select % text)
        script.append(claim % (text, now, now, now + 120))
    times = psql_times(pg, url, "\n".join(script) + "\n")
    selects, claims = times[0::2], times[1::2]
    sizes = pg.sql(url, "SELECT pg_relation_size('feeds'), pg_indexes_size('feeds'), "
                   "(SELECT count(*) FROM pg_indexes WHERE tablename = 'feeds')")[0]
    return {"select_ms": median(selects), "claim_ms": median(claims),
            "claim_p90_ms": sorted(claims)[int(len(claims) * 0.9)],
            "feeds_table_mb": int(sizes[0]) / 1e6, "feeds_indexes_mb": int(sizes[1]) / 1e6,
            "indexes": int(sizes[2])}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    poll_bench.workload_arguments(parser)
    parser.add_argument("--defaults", action="store_true",
                        help="also run every setup with the default fetch settings")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--claim-rows", type=int, default=1_000_000)
    parser.add_argument("--claims", type=int, default=300, help="claim statements timed")
    parser.add_argument("--batch", type=int, default=32, help="feeds per claim (max_transfers)")
    parser.add_argument("--skip-claims", action="store_true")
    parser.add_argument("--command", choices=("poll", "run"), default="poll",
                        help="poll: one round per node, all at once (throughput); run: daemons "
                             "from start, whose first polls are spread over up to 60 s")
    parser.add_argument("--binary", default=os.path.join(REPO, "build", "daemon", "tributary"))
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="tributary-cluster-bench-")
    os.chmod(work, 0o755)
    server = None
    pg = None
    try:
        started = time.monotonic()
        sizes = poll_bench.generate(work, args.feeds, args.items, args.item_bytes)
        poll_bench.serve_round(work, 0)
        if not poll_bench.ensure_package("nginx", "nginx"):
            raise RuntimeError("nginx is needed (apt-get install nginx)")
        server = poll_bench.Nginx(work, args.ports)
        server.feeds = args.feeds
        pg = PgServer(durable=True)
        print("workload: %d feeds x %d items, %.0f KB per feed, %d port(s) on 127.0.0.1, nginx; "
              "generated in %.0f s" % (args.feeds, args.items, sum(sizes) / len(sizes) / 1024,
                                       args.ports, time.monotonic() - started))
        urls = os.path.join(work, "urls.txt")
        with open(urls, "w") as f:
            for i in range(args.feeds):
                f.write('url = "%s"\noutput = /dev/null\n' % server.url(i))
        tuned = ("fetch:\n  max_transfers: %d\n  host_spacing: 0s\n  hosts:\n"
                 "    - host: 127.0.0.1\n      max_per_host: %d\n      host_spacing: 0s\n"
                 % (args.parallel, args.parallel))
        fetches = [("tuned", tuned)] + ([("defaults", "")] if args.defaults else [])
        setups = [("sqlite", 1), ("postgres", 1), ("postgres", 3)]
        results = []
        for repeat in range(args.repeat):
            r = {"curl": poll_bench.run_measured(
                ["curl", "-s", "--compressed", "--parallel", "--parallel-max", str(args.parallel),
                 "-K", urls], work)}
            for fetch_name, fetch in fetches:
                for kind, nodes in setups:
                    r[(fetch_name, kind, nodes)] = first_round(args, work, server, pg, kind, nodes,
                                                               fetch)
            results.append(r)
            print("repeat %d done" % (repeat + 1))
        print("\nfirst round (tributary %s), %d repeats; median (min-max)"
              % (args.command, args.repeat))
        print("%-30s %16s %16s %16s %16s %16s" % ("setup", "wall s", "wall/curl",
                                                   "wall/1 SQLite", "tributary cpu s", "postgres cpu s"))
        print("%-30s %16s" % ("curl (transfer only)",
                              poll_bench.spread([r["curl"]["wall"] for r in results])))
        for fetch_name, _ in fetches:
            for kind, nodes in setups:
                key = (fetch_name, kind, nodes)
                rows = [r[key] for r in results]
                base = [r[(fetch_name, "sqlite", 1)]["wall"] for r in results]
                print("%-30s %16s %16s %16s %16s %16s" % (
                    "%s, %d node%s %s" % (fetch_name, nodes, "s" if nodes > 1 else "", kind),
                    poll_bench.spread([x["wall"] for x in rows]),
                    poll_bench.spread([x["wall"] / r["curl"]["wall"] for x, r in zip(rows, results)]),
                    poll_bench.spread([x["wall"] / b for x, b in zip(rows, base)]),
                    poll_bench.spread([x["cpu"] for x in rows]),
                    poll_bench.spread([x["pg_cpu"] for x in rows])))
        if args.command == "poll":
            print("\nsecond round, every feed 304 (the steady state); median (min-max)")
            print("%-30s %16s %16s %16s %16s" % ("setup", "wall s", "wall/1 SQLite",
                                                 "tributary cpu s", "postgres cpu s"))
            for fetch_name, _ in fetches:
                for kind, nodes in setups:
                    rows = [r[(fetch_name, kind, nodes)]["warm"] for r in results]
                    base = [r[(fetch_name, "sqlite", 1)]["warm"]["wall"] for r in results]
                    print("%-30s %16s %16s %16s %16s" % (
                        "%s, %d node%s %s" % (fetch_name, nodes, "s" if nodes > 1 else "", kind),
                        poll_bench.spread([x["wall"] for x in rows]),
                        poll_bench.spread([x["wall"] / b for x, b in zip(rows, base)]),
                        poll_bench.spread([x["cpu"] for x in rows]),
                        poll_bench.spread([x["pg_cpu"] for x in rows])))
        for nodes in (1, 3):
            held = results[-1][(fetches[0][0], "postgres", nodes)]["connections"]
            if held:
                print("postgres connections with %d node(s) running: %d" % (nodes, held))
        last = results[-1][(fetches[0][0], "postgres", 1)]
        if last.get("items"):
            print("postgres: %d items take %.1f MB with their indexes (%.0f bytes per item); "
                  "%d feeds %.2f MB" % (last["items"], last["items_bytes"] / 1e6,
                                        last["items_bytes"] / last["items"], args.feeds,
                                        last["feeds_bytes"] / 1e6))
        if not args.skip_claims:
            c = claim_cost(args, work, pg)
            print("claim of %d feeds at %d feed rows: median %.3f ms (p90 %.3f), %.1fx a primary-key "
                  "SELECT of the same ids (%.3f ms); feeds table %.0f MB, its %d indexes %.0f MB"
                  % (args.batch, args.claim_rows, c["claim_ms"], c["claim_p90_ms"],
                     c["claim_ms"] / c["select_ms"], c["select_ms"], c["feeds_table_mb"],
                     c["indexes"], c["feeds_indexes_mb"]))
    finally:
        if server:
            server.stop()
        if pg:
            pg.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
