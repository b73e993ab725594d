"""Draw the web app's icons (static/icons/*.png): a yellow star on red, with the standard library
only. Run once when the design changes: python3 scripts/make_icons.py"""

import math
import struct
import zlib
from pathlib import Path

RED = (179, 38, 30)
YELLOW = (255, 205, 0)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def star(cx, cy, outer, inner):
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return points


def inside(x, y, poly):
    hit = False
    j = len(poly) - 1
    for i in range(len(poly)):
        (xi, yi), (xj, yj) = poly[i], poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            hit = not hit
        j = i
    return hit


def png(size, scale):
    """A size×size icon; the star's radius is `scale` of the half side (smaller for maskable
    icons, whose edges a launcher may crop)."""
    poly = star(size / 2, size / 2 + size * 0.03, size / 2 * scale, size / 2 * scale * 0.382)
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            # 4 samples per pixel for smooth edges
            n = sum(inside(x + dx, y + dy, poly) for dx in (0.25, 0.75) for dy in (0.25, 0.75))
            row += bytes(round((YELLOW[c] * n + RED[c] * (4 - n)) / 4) for c in range(3))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

    head = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon-192.png").write_bytes(png(192, 0.8))
    (OUT / "icon-512.png").write_bytes(png(512, 0.8))
    (OUT / "icon-maskable-512.png").write_bytes(png(512, 0.55))
