#!/usr/bin/env python3
"""Writes a larger copy of a real manifest for the load benchmark: its definitions are copied N times
(references rewritten to point into each copy) and every stream is repeated against each copy.
Usage: inflate_manifest.py MANIFEST COPIES OUTPUT"""
import copy
import sys

import yaml


def rewrite_refs(node, prefix):
    if isinstance(node, dict):
        return {k: rewrite_refs(v, prefix) for k, v in node.items()}
    if isinstance(node, list):
        return [rewrite_refs(v, prefix) for v in node]
    if isinstance(node, str) and node.startswith("#/definitions/"):
        return "#/definitions/" + prefix + "/" + node[len("#/definitions/"):]
    return node


def main() -> None:
    source, copies, output = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(source) as file:
        manifest = yaml.safe_load(file)
    definitions = manifest.get("definitions")
    streams = list(manifest.get("streams", []))
    for index in range(2, copies + 1):
        prefix = f"copy{index}"
        if definitions:
            manifest["definitions"][prefix] = rewrite_refs(copy.deepcopy(definitions), prefix)
        for stream in streams:
            duplicate = rewrite_refs(copy.deepcopy(stream), prefix)
            if isinstance(duplicate, dict):
                duplicate["name"] = f"{duplicate.get('name', 'stream')}_{index}"
            manifest["streams"].append(duplicate)
    with open(output, "w") as file:
        yaml.safe_dump(manifest, file, sort_keys=False, width=120)


if __name__ == "__main__":
    main()
