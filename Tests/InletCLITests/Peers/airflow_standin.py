"""A stand-in for Apache Airflow 3's REST API (/api/v2, tokens from /auth/token), for the error
paths a real Airflow does not show on demand. It runs no task: the test plays the worker.

  python airflow_standin.py DAGS_FOLDER [--not-parsed-for N] [--conflict-first]

--not-parsed-for N: the first N run requests of each DAG answer 404 (Airflow has not parsed its file yet).
--conflict-first: the first accepted request of each run id answers 409 (the run is there already) but keeps it.
--api-version 2: Airflow 2's /api/v1 with basic auth (admin / admin-password) instead of /api/v2 and tokens.
--tokens-expire-after N: each token is refused (401) after N requests, so the client must fetch another.
--port N: listen on N (a port the test chose) instead of any free port.
GET /_state shows the DAGs, runs, deletions (with whether the DAG file was still there) and requests.
Prints "port N" on the first line of stdout, as the tests' ChildServer reads it.
"""
import base64
import json
import os
import sys
import threading
import urllib.parse
from http.server import ThreadingHTTPServer

from json_peer import JSONHandler

dags_folder = sys.argv[1]
not_parsed_for = int(sys.argv[sys.argv.index("--not-parsed-for") + 1]) if "--not-parsed-for" in sys.argv else 0
conflict_first = "--conflict-first" in sys.argv
api_version = int(sys.argv[sys.argv.index("--api-version") + 1]) if "--api-version" in sys.argv else 3
tokens_expire_after = int(sys.argv[sys.argv.index("--tokens-expire-after") + 1]) if "--tokens-expire-after" in sys.argv else 0
BASIC = "Basic " + base64.b64encode(b"admin:admin-password").decode()
tokens = {}  # token -> requests it served

lock = threading.Lock()
state = {"runs": {}, "paused": {}, "deleted": [], "requests": [], "refused": {}, "tokens_issued": 0}


class Handler(JSONHandler):
    def body(self):
        length = int(self.headers.get("Content-Length", "0"))
        return json.loads(self.rfile.read(length)) if length else {}

    def handle_any(self, method):
        url = urllib.parse.urlsplit(self.path)
        parts = [urllib.parse.unquote(p) for p in url.path.strip("/").split("/")]
        with lock:
            state["requests"].append(f"{method} {url.path}")
        if url.path == "/_state":
            with lock:
                return self.answer(200, state)
        if url.path == "/auth/token" and method == "POST" and api_version == 3:
            credentials = self.body()
            if credentials != {"username": "admin", "password": "admin-password"}:
                return self.answer(401, {"detail": "Invalid credentials"})
            with lock:
                state["tokens_issued"] += 1
                token = f"standin-token-{state['tokens_issued']}"
                tokens[token] = 0
            return self.answer(201, {"access_token": token})
        if parts[:2] != ["api", "v2" if api_version == 3 else "v1"]:
            return self.answer(404, {"detail": "Not Found"})
        authorization = self.headers.get("Authorization", "")
        if api_version == 2:
            if authorization != BASIC:
                return self.answer(401, {"detail": "Unauthorized"})
        else:
            token = authorization[len("Bearer "):] if authorization.startswith("Bearer ") else None
            with lock:
                served = tokens.get(token)
                if served is None or (tokens_expire_after and served >= tokens_expire_after):
                    return self.answer(401, {"detail": "Not authenticated"})
                tokens[token] = served + 1
        dag = parts[3] if len(parts) > 3 and parts[2] == "dags" else None
        dag_file = os.path.join(dags_folder, f"{dag}.py")
        with lock:
            if len(parts) == 4 and method == "GET":
                return self.answer(200, {"dag_id": dag}) if os.path.exists(dag_file) else self.answer(404, {"detail": f"DAG {dag} not found"})
            if len(parts) == 4 and method == "PATCH":
                state["paused"][dag] = self.body()["is_paused"]
                return self.answer(200, {"dag_id": dag, "is_paused": state["paused"][dag]})
            if len(parts) == 4 and method == "DELETE":
                state["deleted"].append({"dag_id": dag, "file_present": os.path.exists(dag_file)})
                return self.answer(204)
            if len(parts) == 5 and parts[4] == "dagRuns" and method == "POST":
                body = self.body()
                refused = state["refused"].get(dag, 0)
                if not os.path.exists(dag_file) or refused < not_parsed_for:
                    state["refused"][dag] = refused + 1
                    return self.answer(404, {"detail": f"DAG with dag_id: '{dag}' not found"})
                if api_version == 3 and "logical_date" not in body:
                    return self.answer(422, {"detail": "logical_date is required"})
                run_id = body["dag_run_id"]
                key = f"{dag} {run_id}"
                if key in state["runs"]:
                    return self.answer(409, {"detail": f"DAG run {run_id} already exists"})
                state["runs"][key] = {"dag_run_id": run_id, "dag_id": dag, "state": "queued", "conf": body.get("conf")}
                if conflict_first:
                    return self.answer(409, {"detail": f"DAG run {run_id} already exists"})
                return self.answer(200, state["runs"][key])
            if len(parts) == 5 and parts[4] == "dagRuns" and method == "GET":
                runs = [r for r in state["runs"].values() if r["dag_id"] == dag]
                return self.answer(200, {"dag_runs": runs, "total_entries": len(runs)})
            if len(parts) == 6 and parts[4] == "dagRuns" and method == "PATCH":
                key = f"{dag} {parts[5]}"
                if key not in state["runs"]:
                    return self.answer(404, {"detail": "not found"})
                state["runs"][key]["state"] = self.body()["state"]
                return self.answer(200, state["runs"][key])
        return self.answer(404, {"detail": "Not Found"})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_DELETE(self):
        self.handle_any("DELETE")


port = int(sys.argv[sys.argv.index("--port") + 1]) if "--port" in sys.argv else 0
server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
print("port", server.server_address[1], flush=True)
server.serve_forever()
