"""Mints a bearer token for `inlet serve` from an HS256 auth config, for local use and demos:

  python3 demo/token.py AUTH_JSON TENANT PERMISSION[,PERMISSION…] [HOURS]

e.g. `python3 demo/token.py auth.json acme data:ingestion:manage` (valid 24 h unless HOURS says).
Production tokens come from your identity provider; this only signs with the config's secret.
"""
import base64
import hashlib
import hmac
import json
import sys
import time


def part(value):
    raw = value if isinstance(value, bytes) else json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


if len(sys.argv) < 4:
    sys.exit(__doc__)
config = json.load(open(sys.argv[1]))
if "hs256_secret" not in config:
    sys.exit(f"{sys.argv[1]} has no hs256_secret: tokens for public-key configs come from the key's owner")
now = int(time.time())
claims = {
    "iss": config["issuer"], "aud": config["audience"], "sub": "demo", "iat": now,
    "exp": now + int(float(sys.argv[4]) * 3600 if len(sys.argv) > 4 else 86400),
    config.get("tenant_claim", "tenant_id"): sys.argv[2],
    config.get("permissions_claim", "permissions"): sys.argv[3].split(","),
}
signing_input = part({"alg": "HS256", "typ": "JWT"}) + "." + part(claims)
signature = hmac.new(config["hs256_secret"].encode(), signing_input.encode(), hashlib.sha256).digest()
print(signing_input + "." + part(signature))
