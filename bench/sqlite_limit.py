#!/usr/bin/env python3
"""The database's own limit on SQLite: what pgbench is for PostgreSQL.

Runs a bench/sql script (the statements the service sends for one request) in a loop from
`clients` processes against the SQLite file for `seconds`, fetching every row, and prints
transactions/s and latency percentiles as JSON. Processes rather than threads, so that Python's
lock does not serialise the clients; the sqlite3 module's statement cache plays the part of
pgbench's prepared statements.

usage: sqlite_limit.py DB SCRIPT SECONDS CLIENTS name=value...
"""

import json
import multiprocessing
import sys
import time

try:
    # A recent SQLite (bench/run installs it): the service's FTS5 tables need 3.43 or newer.
    import pysqlite3 as sqlite3
except ImportError:
    import sqlite3


def statements(path):
    lines = [line for line in open(path, encoding="utf-8") if not line.startswith("--")]
    return [s.strip() for s in "".join(lines).split(";") if s.strip()]


def client(db, script, seconds, params, out):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, cached_statements=64)
    queries = statements(script)
    latencies = []
    deadline = time.perf_counter() + seconds
    while (start := time.perf_counter()) < deadline:
        for query in queries:
            conn.execute(query, params).fetchall()
        latencies.append(time.perf_counter() - start)
    out.put(latencies)


def main():
    db, script, seconds, clients = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    params = dict(arg.split("=", 1) for arg in sys.argv[5:])
    out = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=client, args=(db, script, seconds, params, out)) for _ in range(clients)]
    for worker in workers:
        worker.start()
    latencies = sorted(sum((out.get() for _ in workers), []))
    for worker in workers:
        worker.join()
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    print(json.dumps({"tps": len(latencies) / seconds, "p50_ms": pick(0.5), "p99_ms": pick(0.99)}))


if __name__ == "__main__":
    main()
