#!/usr/bin/env python3
"""A loopback API whose every page answers after a fixed delay, as a remote SaaS API would.

GET /<stream>/items[?page=N] -> {"data": [<page-size> records], "next_page": N+1 | null}
Threaded (one thread per connection), HTTP/1.1 keep-alive, Nagle off, bodies rendered once: the
delay is the only wait. Prints "listening <port>" once ready; exits after --max-seconds.
Counts requests per stream and second in --log (one JSON line per request) when given.
"""
import argparse, json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

ap = argparse.ArgumentParser()
ap.add_argument("--delay", type=float, default=0.1, help="seconds before each page")
ap.add_argument("--pages", type=int, default=5)
ap.add_argument("--page-size", type=int, default=100)
ap.add_argument("--max-seconds", type=int, default=1800)
ap.add_argument("--log")
args = ap.parse_args()

bodies = {}
for page in range(1, args.pages + 1):
    records = [{"id": (page - 1) * args.page_size + i, "name": f"item {i}", "amount": i * 1.5,
                "updated_at": f"2024-05-{1 + i % 28:02d}T10:00:00Z", "tags": ["a", "b"]} for i in range(args.page_size)]
    bodies[page] = records
log_lock = threading.Lock()
log = open(args.log, "a") if args.log else None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self):
        url = urlparse(self.path)
        parts = url.path.strip("/").split("/")
        page = int(parse_qs(url.query).get("page", ["1"])[0])
        if log:
            with log_lock:
                log.write(json.dumps({"stream": parts[0], "page": page, "at": time.time()}) + "\n")
                log.flush()
        time.sleep(args.delay)
        if len(parts) != 2 or parts[1] != "items" or page not in bodies:
            body = b'{"error": "not found"}'
            self.send_response(404)
        else:
            records = [dict(r, stream=parts[0]) for r in bodies[page]]
            body = json.dumps({"data": records, "next_page": page + 1 if page < args.pages else None}).encode()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128   # the default 5 drops connections a concurrent client opens at once


server = Server(("127.0.0.1", 0), Handler)
threading.Timer(args.max_seconds, server.shutdown).start()
print("listening", server.server_address[1], flush=True)
server.serve_forever()
