#!/usr/bin/env python3
"""A loopback S3 stand-in that fails on purpose, for the client's retry and abort paths.

usage: faulty_s3.py MODE   (prints "port N" once listening; logs "METHOD PATH?QUERY STATUS" to stderr)
  slowdown:N   the first N requests get 503 SlowDown, later PUTs 200
  always503    every request gets 503
  dropped:N    the first N requests lose their connection before any answer, later PUTs 200
  partfails    multipart: create answers an UploadId, every part PUT gets 400, the abort is logged
  proxy:PORT:every:N     forwards to an S3 server on PORT, but answers every Nth request itself, by
                         turns 500 InternalError and 503 SlowDown
  proxy:PORT:dropput:N   forwards, but drops the connection of every Nth PUT before answering
  proxy:PORT:failputs:N  forwards the first N PUTs, then answers every PUT 503
  Iceberg REST catalog faults (a commit is a POST to .../namespaces/NS/tables/TABLE):
  proxy:PORT:commit503:N    the first N commits get 503 without reaching the catalog
  proxy:PORT:commitlost:N   the first N commits reach the catalog, but their answer is replaced by 502
  proxy:PORT:commit409:N    the first N commits get 409 CommitFailedException without reaching the catalog
  proxy:PORT:unauthorized:N the first N requests other than token requests get 401
  proxy:PORT:vend:S3PORT    answers to table loads and creates vend S3 credentials (admin:adminsecret, the
                            endpoint 127.0.0.1:S3PORT) in storage-credentials, as a catalog that vends them
  proxy:PORT:vendexpiring:S3PORT  the same, with credentials that expire a minute later
  tokens:SECONDS  an Iceberg REST catalog stand-in: token requests get token-1, token-2, … that
                  expire in SECONDS; every other request gets an empty success; the log names the
                  token each request carried
Exits after 120 s or 5000 requests.
"""
import http.client, json, re, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parts = sys.argv[1].split(":")
mode = parts[0]
if mode == "proxy":
    upstream, rule, count = int(parts[1]), parts[2], int(parts[3])
else:
    count = int(parts[1]) if len(parts) > 1 else 0
state = {"n": 0, "puts": 0, "commits": 0, "others": 0}
commit_path = re.compile(r"/namespaces/[^/]+/tables/[^/?]+$")
lock = threading.Lock()

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def answer(self, status, body=b""):
        # Logged before answering, so the log is complete once the client has its answer.
        print(f"{self.command} {self.path} {status}", file=sys.stderr, flush=True)
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if status == 200 and self.command == "PUT":
            self.send_header("ETag", '"etag-%d"' % state["n"])
        self.end_headers()
        self.wfile.write(body)
    def error(self, status, kind, message):
        self.answer(status, json.dumps({"error": {"message": message, "type": kind, "code": status}}).encode())
    def forward(self, body, replace_status=None, vend_port=None):
        connection = http.client.HTTPConnection("127.0.0.1", upstream, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
        connection.request(self.command, self.path, body=body if body else None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        print(f"{self.command} {self.path} {response.status} forwarded", file=sys.stderr, flush=True)
        if replace_status:
            connection.close()
            return self.error(replace_status, "ServerError", "Injected after the catalog applied the request.")
        if vend_port and response.status == 200 and "/tables" in self.path:
            answer = json.loads(data)
            answer["storage-credentials"] = [{"prefix": "s3://lake/", "config": {
                "s3.access-key-id": "admin", "s3.secret-access-key": "adminsecret",
                "s3.endpoint": f"http://127.0.0.1:{vend_port}", "s3.path-style-access": "true"}}]
            if rule == "vendexpiring":
                expires = int((time.time() + 60) * 1000)
                answer["storage-credentials"][0]["config"]["s3.session-token-expires-at-ms"] = str(expires)
            data = json.dumps(answer).encode()
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in ("content-length", "connection", "transfer-encoding", "server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        connection.close()
    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with lock:
            state["n"] += 1
            n = state["n"]
            if self.command == "PUT":
                state["puts"] += 1
            puts = state["puts"]
            is_commit = self.command == "POST" and commit_path.search(self.path) is not None
            if is_commit:
                state["commits"] += 1
            commits = state["commits"]
            if "/oauth/tokens" not in self.path:
                state["others"] += 1
            others = state["others"]
        if mode == "proxy":
            if rule == "every" and n % count == 0 and (n // count) % 2 == 1:
                return self.answer(500, b"<Error><Code>InternalError</Code><Message>Injected.</Message></Error>")
            if rule == "every" and n % count == 0 or rule == "failputs" and self.command == "PUT" and puts > count:
                return self.answer(503, b"<Error><Code>SlowDown</Code><Message>Injected.</Message></Error>")
            if rule == "dropput" and self.command == "PUT" and puts % count == 0:
                print(f"{self.command} {self.path} dropped", file=sys.stderr, flush=True)
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if is_commit and commits <= count:
                if rule == "commit503":
                    return self.error(503, "ServiceUnavailableException", "Injected.")
                if rule == "commit409":
                    return self.error(409, "CommitFailedException", "Injected conflict.")
                if rule == "commitlost":
                    return self.forward(body, replace_status=502)
            if rule == "unauthorized" and "/oauth/tokens" not in self.path and others <= count:
                return self.error(401, "NotAuthorizedException", "Injected: token expired.")
            return self.forward(body, vend_port=count if rule in ("vend", "vendexpiring") else None)
        if n > 5000:
            threading.Thread(target=server.shutdown, daemon=True).start()
        if mode == "slowdown" and n <= count or mode == "always503":
            return self.answer(503, b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")
        if mode == "dropped" and n <= count:
            print(f"{self.command} {self.path} dropped", file=sys.stderr, flush=True)
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if mode == "tokens":
            if "/oauth/tokens" in self.path:
                with lock:
                    state["tokens"] = state.get("tokens", 0) + 1
                    token = "token-%d" % state["tokens"]
                return self.answer(200, json.dumps({"access_token": token, "token_type": "bearer", "expires_in": count}).encode())
            print(f"{self.command} {self.path} carried {self.headers.get('Authorization')}", file=sys.stderr, flush=True)
            return self.answer(200, b'{"defaults": {}, "overrides": {}}' if "/config" in self.path else b"{}")
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
