"""A stand-in for DataHub's GMS, for tests: the Rest.li endpoints Inlet uses, with every proposal
checked by DataHub's own models (acryl-datahub), kept in memory.

  GET  /aspects/<urn>?aspect=NAME&version=0   -> {"version": 0, "aspect": {"<model>": {...}}} or 404
  POST /aspects?action=ingestProposal          -> the proposal validated and kept (422 when invalid)
  GET  /_state                                 -> {"aspects": {"<urn> <aspect>": {...}}, "errors": [...], "posts": N}

Prints "port N" on the first line of stdout, as the tests' ChildServer reads it.
"""
import json
import sys
import threading
import urllib.parse
from http.server import ThreadingHTTPServer

from json_peer import JSONHandler

from datahub.metadata.schema_classes import ASPECT_NAME_MAP, MetadataChangeProposalClass

aspects = {}
errors = []
posts = 0
lock = threading.Lock()


def model_name(aspect_name):
    return ASPECT_NAME_MAP[aspect_name].RECORD_SCHEMA.fullname.replace(".pegasus2avro", "")


class Handler(JSONHandler):
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/_state":
            with lock:
                return self.answer(200, {"aspects": aspects, "errors": errors, "posts": posts})
        if not url.path.startswith("/aspects/"):
            return self.answer(404, {"message": "no such resource"})
        urn = urllib.parse.unquote(url.path[len("/aspects/"):])
        query = urllib.parse.parse_qs(url.query)
        name = query.get("aspect", [""])[0]
        with lock:
            value = aspects.get(urn + " " + name)
        if value is None:
            return self.answer(404, {"message": f"{urn} has no {name}"})
        return self.answer(200, {"version": 0, "aspect": {model_name(name): value}})

    def do_POST(self):
        global posts
        url = urllib.parse.urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if url.path != "/aspects" or url.query != "action=ingestProposal":
            return self.answer(404, {"message": "no such action"})
        try:
            if self.headers.get("X-RestLi-Protocol-Version") != "2.0.0":
                raise ValueError("the X-RestLi-Protocol-Version header must be 2.0.0")
            payload = json.loads(body)
            proposal = payload["proposal"]
            MetadataChangeProposalClass.from_obj(proposal)
            if proposal["changeType"] != "UPSERT" or proposal["aspect"]["contentType"] != "application/json":
                raise ValueError("expected an UPSERT of application/json")
            value = json.loads(proposal["aspect"]["value"])
            aspect = ASPECT_NAME_MAP[proposal["aspectName"]].from_obj(value)
            if not aspect.validate():
                raise ValueError(f"{proposal['aspectName']} does not validate: {value}")
        except Exception as error:  # every way a proposal can be wrong is reported to the test
            with lock:
                errors.append(f"{type(error).__name__}: {error}")
            return self.answer(422, {"message": str(error)})
        with lock:
            posts += 1
            aspects[proposal["entityUrn"] + " " + proposal["aspectName"]] = value
        return self.answer(200, {"value": proposal["entityUrn"]})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print("port", server.server_address[1], flush=True)
server.serve_forever()
