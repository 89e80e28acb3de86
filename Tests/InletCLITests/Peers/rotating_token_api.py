"""A loopback API whose OAuth token endpoint rotates the refresh token at every refresh (r0 -> r1 -> ...)
and refuses any but the latest, as some vendors do; /items answers only the latest access token.
Prints its port on stdout."""
import sys
import threading
import urllib.parse
from http.server import ThreadingHTTPServer

from json_peer import JSONHandler

state = {"refreshes": 0}
lock = threading.Lock()


class Handler(JSONHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        with lock:
            count = state["refreshes"]
            if self.path != "/oauth/token" or form.get("refresh_token") != f"r{count}" or form.get("client_id") != "cid":
                return self.answer(400, {"error": "invalid_grant"})
            state["refreshes"] = count + 1
            self.answer(200, {"access_token": f"t{count + 1}", "expires_in": 3600, "refresh_token": f"r{count + 1}"})

    def do_GET(self):
        with lock:
            current = f"Bearer t{state['refreshes']}"
        if self.headers.get("Authorization") != current:
            return self.answer(401, {"error": "invalid token"})
        self.answer(200, {"data": [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}]})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
