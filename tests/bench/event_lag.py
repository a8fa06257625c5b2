#!/usr/bin/env python3
"""Event lag from a write to its webhook delivery (issue 17's figure).

usage: event_lag.py BASE_URL ADMIN_TOKEN BACKEND RATE[,RATE...] SECONDS

A local receiver (a plain HTTP server on 127.0.0.1) is subscribed to
`article.created`; article creates are then sent at each RATE per second for
SECONDS, on a schedule fixed in advance (a late request does not push the next
ones back, so the rate is the offered one). Each create's lag is from the moment
its request was sent to the moment its delivery arrived: commit lies between the
two, so this is an upper bound on commit-to-delivery that includes the write
itself. Prints one JSON line per rate (p50, p99, max, lost, duplicates) on
stdout, and exits non-zero when an event is lost or a write fails. The server
must allow private webhook addresses (NEWSDESK_WEBHOOK_ALLOW_PRIVATE=true).
"""

import http.client
import http.server
import json
import queue
import statistics
import sys
import threading
import time
import uuid

WRITERS = 32  # concurrent writers: enough that slow writes never cap the rate
DRAIN_LIMIT = 60  # seconds to wait for the last deliveries


class Received:
    def __init__(self):
        self.lock = threading.Lock()
        self.at = {}  # article id -> first arrival (monotonic)
        self.webhook_ids = {}  # webhook-id -> copies received


RECEIVED = Received()


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        arrived = time.monotonic()
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()
        event = json.loads(body)
        with RECEIVED.lock:
            wid = self.headers.get("webhook-id", "")
            RECEIVED.webhook_ids[wid] = RECEIVED.webhook_ids.get(wid, 0) + 1
            RECEIVED.at.setdefault(event["data"]["article_id"], arrived)

    def log_message(self, *_):
        pass


def request(conn, method, path, token, body=None):
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run_rate(host, port, token, backend, rate, seconds):
    count = int(rate * seconds)
    start = time.monotonic() + 0.5
    slots = queue.Queue()
    for i in range(count):
        slots.put(start + i / rate)
    sent = {}  # article id -> request sent (monotonic)
    failures = []
    lock = threading.Lock()
    run = uuid.uuid4().hex[:8]

    def writer():
        conn = http.client.HTTPConnection(host, port, timeout=30)
        while True:
            try:
                due = slots.get_nowait()
            except queue.Empty:
                return
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            at = time.monotonic()
            title = f"Lag {run} {due:.4f}"
            try:
                status, body = request(conn, "POST", "/v1/articles", token,
                                       {"title": title, "body": "A story written to measure event lag.",
                                        "status": "draft", "language": "en"})
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                with lock:
                    failures.append(repr(e))
                continue
            with lock:
                if status == 201:
                    sent[json.loads(body)["id"]] = at
                else:
                    failures.append(f"{status} {body[:200]!r}")

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    finished_writing = time.monotonic()
    deadline = finished_writing + DRAIN_LIMIT
    while time.monotonic() < deadline:
        with RECEIVED.lock:
            if all(i in RECEIVED.at for i in sent):
                break
        time.sleep(0.05)
    with RECEIVED.lock:
        lags = [(RECEIVED.at[i] - t) * 1000 for i, t in sent.items() if i in RECEIVED.at]
        lost = sum(1 for i in sent if i not in RECEIVED.at)
        duplicates = sum(n - 1 for n in RECEIVED.webhook_ids.values())
    achieved = len(sent) / max(finished_writing - start, 1e-9)
    result = {
        "backend": backend, "workload": "event-lag", "offered_rate": rate, "achieved_rate": round(achieved, 1),
        "writes": len(sent), "write_failures": len(failures), "delivered": len(lags), "lost": lost,
        "duplicates": duplicates,
        "p50_ms": round(statistics.median(lags), 1) if lags else None,
        "p99_ms": round(percentile(lags, 99), 1) if lags else None,
        "max_ms": round(max(lags), 1) if lags else None,
    }
    if failures:
        result["first_failures"] = failures[:3]
    return result


def main():
    base, token, backend, rates, seconds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
    host, port = base.removeprefix("http://").split(":")
    port = int(port)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    conn = http.client.HTTPConnection(host, port, timeout=30)
    status, body = request(conn, "POST", "/v1/webhooks", token,
                           {"url": f"http://127.0.0.1:{server.server_address[1]}/hook",
                            "events": ["article.created"], "description": "bench: event lag"})
    if status != 201:
        sys.exit(f"subscribing failed: {status} {body[:300]!r}")
    webhook = json.loads(body)["id"]
    ok = True
    try:
        for rate in (float(r) for r in rates.split(",")):
            with RECEIVED.lock:
                RECEIVED.at.clear()
                RECEIVED.webhook_ids.clear()
            result = run_rate(host, port, token, backend, rate, seconds)
            print(json.dumps(result), flush=True)
            ok = ok and result["lost"] == 0 and result["write_failures"] == 0 and result["writes"] > 0
    finally:
        request(conn, "DELETE", f"/v1/webhooks/{webhook}", token)
        server.shutdown()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
