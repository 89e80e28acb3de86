#!/usr/bin/env python3
"""Writes N API-like JSON records (~580 bytes each, one per line) for the JSON benchmark.

Deterministic for a given N: the same file for Inlet and for orjson.
Usage: generate_records.py N OUTPUT
"""
import json
import random
import sys


def record(rng: random.Random, index: int) -> dict:
    login = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(5, 12)))
    return {
        "id": 100000000 + index,
        "node_id": f"MDU6SXNzdWU{index:08d}",
        "number": index,
        "title": f"Fix the {rng.choice(['parser', 'writer', 'cursor', 'paginator'])} when the page is {rng.choice(['empty', 'full', 'late'])}",
        "state": rng.choice(["open", "closed"]),
        "locked": rng.random() < 0.1,
        "comments": rng.randint(0, 250),
        "score": round(rng.uniform(0, 100), 4),
        "created_at": f"2024-0{rng.randint(1, 9)}-{rng.randint(10, 28)}T{rng.randint(10, 23)}:{rng.randint(10, 59)}:{rng.randint(10, 59)}Z",
        "updated_at": f"2024-0{rng.randint(1, 9)}-{rng.randint(10, 28)}T{rng.randint(10, 23)}:{rng.randint(10, 59)}:{rng.randint(10, 59)}Z",
        "closed_at": None,
        "user": {
            "login": login,
            "id": rng.randint(1, 10**8),
            "type": "User",
            "site_admin": False,
            "html_url": f"https://github.com/{login}",
        },
        "labels": [{"id": rng.randint(1, 10**6), "name": rng.choice(["bug", "enhancement", "größe", "docs"]), "default": False}
                   for _ in range(rng.randint(0, 2))],
        "body": "Steps to reproduce:\n1. run the sync\n2. see \"duplicate\" rows — expected none",
        "reactions": {"total_count": rng.randint(0, 9), "+1": rng.randint(0, 5), "heart": 0},
    }


def main() -> None:
    count, output = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(42)
    with open(output, "w", encoding="utf-8") as file:
        for index in range(count):
            file.write(json.dumps(record(rng, index), ensure_ascii=False, separators=(",", ":")))
            file.write("\n")


if __name__ == "__main__":
    main()
