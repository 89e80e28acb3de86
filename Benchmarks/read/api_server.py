#!/usr/bin/env python3
"""Loopback paginated JSON API for the read benchmark.

GET /v1/orders?limit=N[&starting_after=<token>] answers
{"orders": [...N records...], "has_more": bool, "next_token": "<token>" | null}.
Every page is rendered before the server reports "listening <port>", and requests are answered
from those bytes, so a fast client measures itself rather than the server. The server stops on
its own after --max-requests requests or --max-seconds seconds.
"""
import argparse
import asyncio
import json
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--pages", type=int, default=100)
parser.add_argument("--page-size", type=int, default=1000)
parser.add_argument("--max-requests", type=int, default=100000)
parser.add_argument("--max-seconds", type=float, default=1800)
options = parser.parse_args()

KINDS = ("card", "invoice", "transfer", "refund")
REGIONS = ("eu-west", "us-east", "ap-south")


def order(n):
    return {
        "id": n,
        "reference": "ord_%08d" % n,
        "customer": {"id": n // 3, "email": "buyer%d@shop.example" % (n // 3), "tier": n % 4},
        "kind": KINDS[n % len(KINDS)],
        "total": round((n * 7.31) % 5000, 2),
        "items": n % 9 + 1,
        "paid": n % 5 != 0,
        "region": REGIONS[n % len(REGIONS)],
        "labels": ["batch-%d" % (n % 13), "lane-%d" % (n % 4)],
        "created": "2024-%02d-%02dT%02d:%02d:00Z" % (n % 12 + 1, n % 28 + 1, n % 24, n % 60),
        "updated": "2024-%02d-%02dT%02d:%02d:30Z" % (n % 12 + 1, n % 28 + 1, n % 24, n % 60),
        "note": "Deliver to the side entrance; ring twice and wait for the porter.",
        "coupon": None if n % 3 else "SAVE%d" % (n % 50),
    }


def render(page):
    first = page * options.page_size
    last_page = page + 1 >= options.pages
    body = json.dumps({
        "orders": [order(first + k) for k in range(options.page_size)],
        "has_more": not last_page,
        "next_token": None if last_page else "p%d" % (page + 1),
    }, separators=(",", ":")).encode()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    return head + body


PAGES = {("p%d" % page if page else ""): render(page) for page in range(options.pages)}
NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
served = 0
stop = asyncio.Event()


def page_token(target):
    _, _, query = target.partition(b"?")
    for pair in query.split(b"&"):
        key, _, value = pair.partition(b"=")
        if key == b"starting_after":
            return value.decode()
    return ""


async def serve(reader, writer):
    global served
    try:
        while True:
            request_line = await reader.readline()
            if not request_line:
                break
            while (await reader.readline()) not in (b"\r\n", b""):
                pass  # headers: GET requests carry no body
            target = request_line.split(b" ")[1]
            path = target.partition(b"?")[0]
            answer = PAGES.get(page_token(target)) if path == b"/v1/orders" else None
            writer.write(answer or NOT_FOUND)
            await writer.drain()
            served += 1
            if served >= options.max_requests:
                stop.set()
    except (ConnectionError, IndexError):
        pass
    finally:
        writer.close()


async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    print("listening %d" % server.sockets[0].getsockname()[1], flush=True)
    try:
        await asyncio.wait_for(stop.wait(), options.max_seconds)
    except asyncio.TimeoutError:
        pass
    server.close()


asyncio.run(main())
