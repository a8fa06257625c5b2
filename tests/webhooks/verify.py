"""Receives Newsdesk webhook deliveries and verifies each one with the
`standardwebhooks` package (the Standard Webhooks reference library), not with
Newsdesk's own code: a receiver using any Standard Webhooks library must accept
them unchanged.

    python3 verify.py BASE_URL ADMIN_TOKEN

Subscribes a receiver on 127.0.0.1 (the server must run with
NEWSDESK_WEBHOOK_ALLOW_PRIVATE=true), creates an article, verifies the delivery,
checks that a tampered body or a wrong secret is refused, rotates the secret and
verifies the next delivery with the old and the new secret alone. Exits 1 on any
failure.
"""

import json
import queue
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

received = queue.Queue()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        received.put((dict(self.headers.items()), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def call(base, token, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", "Bearer " + token)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def next_delivery():
    try:
        return received.get(timeout=20)
    except queue.Empty:
        sys.exit("FAIL: no delivery within 20 s")


def headers_of(raw):
    # Header names as the library reads them (lower case).
    return {k.lower(): v for k, v in raw.items()}


def refused(secret, body, headers):
    try:
        Webhook(secret).verify(body, headers)
    except WebhookVerificationError:
        return True
    return False


def main():
    base, token = sys.argv[1].rstrip("/"), sys.argv[2]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/hook" % server.server_address[1]

    hook = call(base, token, "POST", "/v1/webhooks", {"url": url, "events": ["article.created"]})
    secret = hook["secret"]
    article = call(base, token, "POST", "/v1/articles", {"title": "Verified by standardwebhooks", "body": "text"})

    raw, body = next_delivery()
    headers = headers_of(raw)
    payload = Webhook(secret).verify(body, headers)
    assert payload["type"] == "article.created", payload
    assert payload["data"]["article_id"] == article["id"], payload
    assert refused(secret, body.replace(b"Verified", b"Forged"), headers), "a tampered body was accepted"
    other = call(base, token, "POST", "/v1/webhooks", {"url": "https://hooks.example.com/x", "events": ["quote.*"]})
    assert refused(other["secret"], body, headers), "another subscription's secret was accepted"
    print("ok: delivery %s verified (%s)" % (headers["webhook-id"], payload["type"]))

    rotated = call(base, token, "POST", "/v1/webhooks/%s/rotate-secret" % hook["id"], {})
    call(base, token, "POST", "/v1/articles", {"title": "After the rotation", "body": "text"})
    raw, body = next_delivery()
    headers = headers_of(raw)
    for name, key in (("new", rotated["secret"]), ("old", secret)):
        assert Webhook(key).verify(body, headers)["type"] == "article.created"
        print("ok: delivery %s verified with the %s secret alone" % (headers["webhook-id"], name))
    server.shutdown()


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, WebhookVerificationError) as e:
        sys.exit("FAIL: %r" % e)
