#!/usr/bin/env python3
"""Write one entry of kizuna's fetched-content cache (player/fetch/cache.h), as the player's
fetcher would after a 200: for test fixtures and for seeding a screen that goes out offline.

    tools/cache-put.py DIR URL FILE FETCHED_AT [ETAG]

FETCHED_AT is ISO 8601 with an offset (2025-03-10T00:00:00+09:00) or "now". The file name is
the BLAKE2b-128 of the URL, the version the BLAKE2b-128 of the body (libsodium's
crypto_generichash with a 16-byte output, which is what hashlib.blake2b(digest_size=16) is).
"""
import datetime
import hashlib
import os
import sys


def h(b):
    return hashlib.blake2b(b, digest_size=16).hexdigest()


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    d, url, path, at = sys.argv[1:5]
    etag = sys.argv[5] if len(sys.argv) == 6 else ""
    body = open(path, "rb").read()
    if at == "now":
        us = int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000000)
    else:
        us = int(datetime.datetime.fromisoformat(at).timestamp() * 1000000)
    head = (f"kizuna-cache 1\nurl {url}\nfetched_at {us}\netag {etag}\nlast_modified \n"
            f"version {h(body)}\nbytes {len(body)}\n\n").encode()
    os.makedirs(d, exist_ok=True)
    out = os.path.join(d, h(url.encode()) + ".cache")
    with open(out + ".tmp", "wb") as f:
        f.write(head + body)
    os.replace(out + ".tmp", out)
    print(out)


if __name__ == "__main__":
    main()
