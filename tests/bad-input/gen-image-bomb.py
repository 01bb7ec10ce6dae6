#!/usr/bin/env python3
"""Bad input: a decompression bomb, an RGB PNG of W x H black pixels (default 16000 x 16000,
768 MB decoded) that is about 750 KB on disk. Streamed through zlib row by row, so making it
takes seconds and no memory. Usage: gen-image-bomb.py OUT.png [W [H]]"""
import struct
import sys
import zlib


def chunk(kind, data):
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def main():
    out = sys.argv[1]
    w = int(sys.argv[2]) if len(sys.argv) > 2 else 16000
    h = int(sys.argv[3]) if len(sys.argv) > 3 else w
    z, row, idat = zlib.compressobj(9), b"\0" * (1 + 3 * w), bytearray()
    for _ in range(h):
        idat += z.compress(row)
    idat += z.flush()
    with open(out, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", bytes(idat)) + chunk(b"IEND", b""))


main()
