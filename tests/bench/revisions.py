#!/usr/bin/env python3
"""Revision storage and read cost, against a running service on the benchmark archive.

    python3 tests/bench/revisions.py BASE_URL ADMIN_TOKEN BACKEND DATABASE_URL [EDITS]

Takes one archive article, gives it a 2,000-word body (its revision 1: a bulk-loaded
article has no history before), then makes
EDITS (default 99) one-word edits to it, one PATCH each, so that it has EDITS + 1
revisions. Measures what the edits added to the revisions table, per edit:
  * stored: the bytes of the snapshot and delta texts (what the service wrote);
  * on disk: PostgreSQL's pg_total_relation_size('revisions') (table, TOAST and
    indexes) after a VACUUM, or the pages SQLite's dbstat counts for the table and
    its indexes (the articles' own search index and the change log, which grow
    with every edit too, are not the revisions' cost and are left out);
then times reads: revision 1 (the oldest, rebuilt by replaying deltas), the newest
revision, and the first page of 20 revisions with their diffs, 200 times each, one
at a time. Prints one JSON line. Exits non-zero when a request fails.
"""

import json
import random
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request

BASE, TOKEN, BACKEND, DATABASE_URL = sys.argv[1:5]
EDITS = int(sys.argv[5]) if len(sys.argv) > 5 else 99
READS = 200


def call(method, path, body=None, content_type="application/merge-patch+json"):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {TOKEN}")
    if data is not None:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def sql(query):
    """One value from the service's database."""
    if BACKEND == "postgres":
        out = subprocess.run(["psql", "-w", "-Atq", "-d", DATABASE_URL, "-c", query],
                             check=True, capture_output=True, text=True).stdout
        return int(out.strip().splitlines()[-1] or 0)
    with sqlite3.connect(DATABASE_URL, timeout=30) as db:
        return int(db.execute(query).fetchone()[0] or 0)


def stored_bytes(article_id):
    return sql("SELECT coalesce(sum(coalesce(length(snapshot), 0) + coalesce(length(delta), 0)), 0) "
               f"FROM revisions WHERE article_id = '{article_id}'")


def on_disk():
    if BACKEND == "postgres":
        sql("VACUUM revisions")
        return sql("SELECT pg_total_relation_size('revisions')")
    return sql("SELECT coalesce(sum(pgsize), 0) FROM dbstat "
               "WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name = 'revisions')")


def timed(path):
    times = []
    for _ in range(READS):
        started = time.perf_counter()
        call("GET", path)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 2), "p99_ms": round(times[int(len(times) * 0.99) - 1], 2)}


def main():
    article = call("GET", "/v1/articles?limit=1&sort=updated_at&status=any")["items"][0]
    article_id = article["id"]
    rng = random.Random(7)
    vocabulary = ["minister", "said", "talks", "sanctions", "Seoul", "allies", "missile", "statement",
                  "government", "officials", "week", "report", "the", "a", "of", "and", "in", "on"]
    words = [rng.choice(vocabulary) for _ in range(2000)]
    body = lambda: " ".join(words)  # noqa: E731
    call("PATCH", f"/v1/articles/{article_id}", {"body": body()})
    # 1 for a bulk-loaded article, which has no history before.
    first = call("GET", f"/v1/articles/{article_id}/revisions?limit=1")["items"][0]["revision"]
    body_bytes = len(body().encode())
    stored_before, disk_before = stored_bytes(article_id), on_disk()
    for i in range(EDITS):
        words[rng.randrange(len(words))] = f"edit{i}"
        call("PATCH", f"/v1/articles/{article_id}", {"body": body()})
    stored_after, disk_after = stored_bytes(article_id), on_disk()
    revisions = call("GET", f"/v1/articles/{article_id}/revisions?limit=1")["items"][0]["revision"]
    assert revisions == first + EDITS, (first, revisions)
    oldest = call("GET", f"/v1/articles/{article_id}/revisions/{first}")
    assert oldest["body"] != body() and len(oldest["body"].split()) == 2000
    result = {
        "backend": BACKEND,
        "workload": "revisions",
        "body_bytes": body_bytes,
        "edits": EDITS,
        "revisions": revisions - first + 1,
        "stored_bytes_per_edit": round((stored_after - stored_before) / EDITS, 1),
        "disk_bytes_per_edit": round((disk_after - disk_before) / EDITS, 1),
        "read_oldest": timed(f"/v1/articles/{article_id}/revisions/{first}"),
        "read_newest": timed(f"/v1/articles/{article_id}/revisions/{revisions}"),
        "list_page_of_20": timed(f"/v1/articles/{article_id}/revisions?limit=20"),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
