#!/usr/bin/env python3
"""The reference side of the interpolation benchmark: the Airbyte CDK's InterpolatedString.eval on
the same templates and context as InterpolationBenchmark.swift."""
import sys
import time

from airbyte_cdk.sources.declarative.interpolation.interpolated_string import InterpolatedString

TEMPLATES = [
    "{{ record['x'] * 2 }}",
    "{{ record.get('stats', {}).get('opens') }}",
    "/repos/{{ config['owner'] }}/{{ stream_partition.id }}/issues",
    "{{ now_utc().strftime('%Y-%m-%dT%H:%M:%SZ') }}",
    "{{ response.get('meta', {}).get('next') }}",
]


def main() -> None:
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    config = {"owner": "airbytehq", "api_key": "k"}
    context = {"record": {"x": 21, "stats": {"opens": 10}, "title": "hello"}, "stream_slice": {"id": 42},
               "response": {"meta": {"next": "abc"}}}
    for template in TEMPLATES:
        interpolated = InterpolatedString.create(template, parameters={"name": "issues"})
        for _ in range(200):
            interpolated.eval(config, **context)
        started = time.perf_counter()
        for _ in range(iterations):
            interpolated.eval(config, **context)
        elapsed = time.perf_counter() - started
        print(f"cdk {elapsed / iterations * 1e9:.1f} ns/eval  {template}")


if __name__ == "__main__":
    main()
