"""Top-3 precision on the benchmark archive: a suggestion is right when its topic
tag prefix (topic-T-) is the source article's.
Usage: precision.py HOST PORT ARTICLES SAMPLES (an archive made by load.sql).
"""
import http.client, json, random, sys
host, port, n, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(7); conn = http.client.HTTPConnection(host, port)
def get(path):
    conn.request("GET", path); r = conn.getresponse(); return json.loads(r.read())
topic = lambda tags: tags[0].rsplit("-", 1)[0]
shown = right = 0
for _ in range(count):
    k = rng.randint(1, n)
    if k % 20 in (0, 10): continue
    src = get(f"/v1/articles/story-{k}")
    for s in get(f"/v1/articles/story-{k}/suggestions?limit=3")["items"]:
        shown += 1; right += topic(s["tags"]) == topic(src["tags"])
print(f"top-3 precision {right / shown:.3f} ({right} of {shown})")
