#!/usr/bin/env python3
"""A loopback S3 stand-in that fails on purpose, for the client's retry and abort paths.

usage: faulty_s3.py MODE   (prints "port N" once listening; logs "METHOD PATH?QUERY STATUS" to stderr)
  slowdown:N   the first N requests get 503 SlowDown, later PUTs 200
  always503    every request gets 503
  dropped:N    the first N requests lose their connection before any answer, later PUTs 200
  partfails    multipart: create answers an UploadId, every part PUT gets 400, the abort is logged
Exits after 120 s or 200 requests.
"""
import sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

mode, _, count = sys.argv[1].partition(":")
count = int(count or 0)
state = {"n": 0}
lock = threading.Lock()

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if status == 200 and self.command == "PUT":
            self.send_header("ETag", '"etag-%d"' % state["n"])
        self.end_headers()
        self.wfile.write(body)
        print(f"{self.command} {self.path} {status}", file=sys.stderr, flush=True)
    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with lock:
            state["n"] += 1
            n = state["n"]
        if n > 200:
            threading.Thread(target=server.shutdown, daemon=True).start()
        if mode == "slowdown" and n <= count or mode == "always503":
            return self.answer(503, b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")
        if mode == "dropped" and n <= count:
            print(f"{self.command} {self.path} dropped", file=sys.stderr, flush=True)
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if mode == "partfails":
            if self.command == "POST" and "uploads" in self.path:
                return self.answer(200, b"<InitiateMultipartUploadResult><UploadId>up-1</UploadId></InitiateMultipartUploadResult>")
            if self.command == "PUT" and "partNumber" in self.path:
                return self.answer(400, b"<Error><Code>InvalidPart</Code><Message>No.</Message></Error>")
            if self.command == "DELETE":
                return self.answer(204)
        self.answer(200)
    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
threading.Timer(120, server.shutdown).start()
print("port", server.server_address[1], flush=True)
server.serve_forever()
