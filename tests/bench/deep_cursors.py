"""Prints request paths of article-list pages about 50,000 rows deep (or half-way
down a smaller archive), reached as a client reaches them: by following next_cursor
from the first page. Used by tests/bench/run for the deep-page workload.

    python3 deep_cursors.py BASE_URL ARTICLES
"""

import json
import sys
import urllib.parse
import urllib.request

DEPTH = 50_000
PAGES = 20  # distinct deep pages the workload picks from


def page(base, limit, cursor):
    query = {"limit": limit}
    if cursor:
        query["cursor"] = cursor
    path = "/v1/articles?" + urllib.parse.urlencode(query)
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return path, json.load(response)


def main():
    base, articles = sys.argv[1], int(sys.argv[2])
    published = articles * 9 // 10
    depth = min(DEPTH, published // 2)
    cursor, seen = None, 0
    while seen + 100 <= depth:
        _, body = page(base, 100, cursor)
        seen += len(body["items"])
        cursor = body["next_cursor"]
        if not cursor:
            sys.exit(f"the list ended after {seen} rows")
    for _ in range(PAGES):
        path, body = page(base, 20, cursor)
        print(path)
        cursor = body["next_cursor"]
    print(f"deep pages start {seen} rows down", file=sys.stderr)


if __name__ == "__main__":
    main()
