"""Latency of GET /v1/articles/{slug}/suggestions for random published articles:
sequential requests on one keep-alive connection, after a warm-up; p50/p90/p99/max.
Usage: latency.py HOST PORT ARTICLES REQUESTS [SEED] (an archive made by load.sql).
"""
import http.client, json, random, sys, time

host, port, n, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 20261203)
def published():
    while True:
        k = rng.randint(1, n)
        if k % 20 not in (0, 10):
            return k
conn = http.client.HTTPConnection(host, port)
def get(k):
    start = time.perf_counter()
    conn.request("GET", f"/v1/articles/story-{k}/suggestions")
    r = conn.getresponse(); body = r.read()
    return time.perf_counter() - start, r.status, json.loads(body)
for _ in range(20):
    get(published())
times, sizes, statuses = [], [], {}
for _ in range(count):
    t, status, body = get(published())
    times.append(t * 1000); statuses[status] = statuses.get(status, 0) + 1
    sizes.append(len(body.get("items", [])))
times.sort()
q = lambda p: times[min(len(times) - 1, int(round(p * len(times) + 0.5)) - 1)]
print(f"{count} requests: p50 {q(0.5):.1f} ms, p90 {q(0.9):.1f} ms, p99 {q(0.99):.1f} ms, max {times[-1]:.1f} ms; "
      f"statuses {statuses}; suggestions per answer: mean {sum(sizes)/len(sizes):.2f}, "
      f"empty {sizes.count(0)}")
