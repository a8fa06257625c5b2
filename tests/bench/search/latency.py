"""Latency of a relevance search, GET /v1/articles?q=WORD&sort=relevance (or
GET /v1/quotes with --quotes), for random words of one frequency tier of the
suggestions archive (tests/bench/suggestions/load.sql): sequential requests on one
keep-alive connection, after a warm-up; p50/p90/p99/max.
Usage: latency.py HOST PORT REQUESTS TIER [SEED] [--quotes]
TIER: common (30 words, each in about a third of the articles), medium (500 words,
each in about 1 %), topic (60,000 words, each in about 0.05 %), rare (100,000
words, about 60 articles each).
"""
import http.client, json, random, sys, time, urllib.parse

args = [a for a in sys.argv[1:] if not a.startswith("--")]
host, port, count, tier = args[0], int(args[1]), int(args[2]), args[3]
rng = random.Random(int(args[4]) if len(args) > 4 else 20261203)
path = "/v1/quotes" if "--quotes" in sys.argv else "/v1/articles"
SYLLABLES = "ka lo mi ren tas vo pe dri sun mar bel ko zu fa ni gor ti wen ha lu".split()

def word(i):  # load.sql's bench_word
    return "".join(SYLLABLES[(i // d) % 20] for d in (1, 20, 400, 8000))

def pick():
    if tier == "common":
        return word(rng.randint(0, 29))
    if tier == "medium":
        return word(30 + rng.randint(0, 499))
    if tier == "topic":
        return word(1000 + 30 * rng.randint(0, 1999) + rng.randint(0, 29))
    return word(70000 + rng.randint(0, 99999))

conn = http.client.HTTPConnection(host, port)
def get(q):
    start = time.perf_counter()
    conn.request("GET", f"{path}?q={urllib.parse.quote(q)}&sort=relevance")
    r = conn.getresponse(); body = r.read()
    return time.perf_counter() - start, r.status, json.loads(body)

for _ in range(20):
    get(pick())
times, sizes, statuses = [], [], {}
for _ in range(count):
    t, status, body = get(pick())
    times.append(t * 1000); statuses[status] = statuses.get(status, 0) + 1
    items = body.get("items", [])
    assert all("<mark>" in i["search"]["snippet"] or not i["search"]["snippet"] for i in items), body
    sizes.append(len(items))
times.sort()
q = lambda p: times[min(len(times) - 1, int(round(p * len(times) + 0.5)) - 1)]
print(f"{tier} {path}: {count} requests: p50 {q(0.5):.1f} ms, p90 {q(0.9):.1f} ms, p99 {q(0.99):.1f} ms, "
      f"max {times[-1]:.1f} ms; statuses {statuses}; hits per page: mean {sum(sizes)/len(sizes):.1f}")
