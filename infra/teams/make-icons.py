#!/usr/bin/env python3
"""Draw the GovernanceBot Teams icons: a gate (two pillars and a lintel) with a check mark.

    python3 infra/teams/make-icons.py      # writes color.png (192x192) and outline.png (32x32)

Standard library only: shapes are sampled on a 4x4 grid per pixel for anti-aliasing and the PNG
is written with zlib + struct.
"""
import math
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ACCENT = (0x1F, 0x5F, 0xAD)  # the manifest's accentColor
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 4

# Shapes in unit coordinates (0..1, y down).
# Edges sit on multiples of 1/32 so the 32x32 outline icon stays crisp.
RECTS = [
    (5 / 32, 6 / 32, 27 / 32, 9 / 32),  # lintel
    (7 / 32, 9 / 32, 10 / 32, 26 / 32),  # left pillar
    (22 / 32, 9 / 32, 25 / 32, 26 / 32),  # right pillar
]
CHECK = [(0.39, 0.55), (0.48, 0.65), (0.62, 0.43)]  # check mark polyline
CHECK_HALF_WIDTH = 0.042


def _segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    t = max(0.0, min(1.0, t))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _inside(x, y):
    for x0, y0, x1, y1 in RECTS:
        if x0 <= x <= x1 and y0 <= y <= y1:
            return True
    for (ax, ay), (bx, by) in zip(CHECK, CHECK[1:]):
        if _segment_distance(x, y, ax, ay, bx, by) <= CHECK_HALF_WIDTH:
            return True
    return False


def coverage(size):
    """Fraction of each pixel covered by the symbol, row by row."""
    rows = []
    for j in range(size):
        row = []
        for i in range(size):
            hits = 0
            for sj in range(SAMPLES):
                for si in range(SAMPLES):
                    x = (i + (si + 0.5) / SAMPLES) / size
                    y = (j + (sj + 0.5) / SAMPLES) / size
                    hits += _inside(x, y)
            row.append(hits / (SAMPLES * SAMPLES))
        rows.append(row)
    return rows


def write_png(path, size, pixels):
    """pixels: rows of (r, g, b, a) tuples. Writes an 8-bit RGBA PNG."""
    raw = bytearray()
    for row in pixels:
        raw.append(0)  # filter: none
        for px in row:
            raw.extend(px)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def blend(a, b, t):
    return tuple(round(a[k] * (1 - t) + b[k] * t) for k in range(3))


def main():
    # Colour icon: full-bleed accent background, white symbol, fully opaque.
    size = 192
    cov = coverage(size)
    write_png(os.path.join(HERE, "color.png"), size,
              [[blend(ACCENT, WHITE, c) + (255,) for c in row] for row in cov])
    # Outline icon: white symbol on a transparent background.
    size = 32
    cov = coverage(size)
    write_png(os.path.join(HERE, "outline.png"), size,
              [[WHITE + (round(255 * c),) for c in row] for row in cov])


if __name__ == "__main__":
    main()
