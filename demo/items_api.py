#!/usr/bin/env python3
"""A loopback API for Inlet's demo sync and tests (standard library only).

GET /items?start=<ISO>&end=<ISO> answers {"items": [...]} with the items whose updated_at lies in
[start, end]: COUNT items spread evenly over the 40 days from 2024-01-01 (4000 items: one every
864 s, 100 a day). Prints its port, then serves until killed.
Usage: items_api.py [COUNT] [DELAY_SECONDS_PER_REQUEST]
"""
import bisect, json, sys, time, datetime
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from urllib.parse import urlparse, parse_qs
BASE = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
COUNT = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
DELAY = float(sys.argv[2]) if len(sys.argv) > 2 else 0.02
SPACING = 40 * 86400 / COUNT
ITEMS = [{"id": i, "name": f"item {i}", "updated_at": (BASE + datetime.timedelta(seconds=int(SPACING * i))).strftime("%Y-%m-%dT%H:%M:%SZ")}
         for i in range(COUNT)]
STAMPS = [item["updated_at"] for item in ITEMS]
class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        start, end = query.get("start", [""])[0], query.get("end", ["~"])[0]
        body = json.dumps({"items": ITEMS[bisect.bisect_left(STAMPS, start):bisect.bisect_right(STAMPS, end)]}).encode()
        time.sleep(DELAY)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away (a test kills it on purpose)
    def log_message(self, *args):
        pass
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
