#!/usr/bin/env python3
"""The reference side of the JSON benchmark: orjson parsing and writing every line of the same file."""
import sys
import time

import orjson


def main() -> None:
    path = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with open(path, "rb") as file:
        lines = [line for line in file.read().split(b"\n") if line]
    best_parse = best_write = float("inf")
    values = []
    for _ in range(rounds):
        started = time.perf_counter()
        values = [orjson.loads(line) for line in lines]
        best_parse = min(best_parse, time.perf_counter() - started)
    for _ in range(rounds):
        started = time.perf_counter()
        for value in values:
            orjson.dumps(value)
        best_write = min(best_write, time.perf_counter() - started)
    print(f"orjson {orjson.__version__} parse records/s: {int(len(lines) / best_parse)}")
    print(f"orjson {orjson.__version__} write records/s: {int(len(lines) / best_write)}")


if __name__ == "__main__":
    main()
