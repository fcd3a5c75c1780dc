#!/usr/bin/env python3
"""Draws images/icon.png (128x128), the extension's icon: a catalog of
sizes, three bars of growing width between braces, on a rounded square.
Pure Python (zlib), so that the icon can be made again anywhere:

    python3 editors/vscode/images/make-icon.py
"""

import pathlib
import struct
import zlib

SIZE = 128
SCALE = 4  # supersampling for smooth edges
BACKGROUND = (0x1F, 0x3B, 0x5C)
BAR = (0x5F, 0xD3, 0xC8)
BRACE = (0xF2, 0xF5, 0xF8)


def inside_rounded(x, y, x0, y0, x1, y1, r):
    if x < x0 or x > x1 or y < y0 or y > y1:
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def colour_at(x, y):
    """The colour of a point (in icon pixels), or None for transparent."""
    if not inside_rounded(x, y, 4, 4, 124, 124, 22):
        return None
    # The braces: `{` on the left, `}` on the right, drawn as strokes.
    for side in (-1, 1):
        bx = 64 + side * 44
        if abs(y - 64) <= 34:
            dx = x - bx
            # The vertical strokes, bent in at the middle.
            bend = 7 * max(0.0, 1 - abs(y - 64) / 9)
            if abs(dx + side * bend) <= 3.2 and abs(y - 64) <= 33:
                return BRACE
            # Top and bottom ends turn outward.
            for ey in (30, 98):
                if abs(y - ey) <= 3.2 and 0 <= -side * dx <= 9:
                    return BRACE
    # Three bars: small, medium, large.
    for top, width in ((38, 26), (58, 40), (78, 56)):
        if inside_rounded(x, y, 64 - width / 2, top, 64 + width / 2, top + 12, 5):
            return BAR
    return BACKGROUND


def main():
    rows = []
    for py in range(SIZE):
        row = bytearray([0])  # filter: none
        for px in range(SIZE):
            acc = [0, 0, 0, 0]
            for sy in range(SCALE):
                for sx in range(SCALE):
                    c = colour_at(px + (sx + 0.5) / SCALE, py + (sy + 0.5) / SCALE)
                    if c is not None:
                        acc[0] += c[0]
                        acc[1] += c[1]
                        acc[2] += c[2]
                        acc[3] += 255
            n = SCALE * SCALE
            alpha = acc[3] // n
            if alpha:
                covered = acc[3] // 255
                row += bytes([acc[0] // covered, acc[1] // covered, acc[2] // covered, alpha])
            else:
                row += bytes(4)
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
    png += chunk(b"IEND", b"")
    out = pathlib.Path(__file__).with_name("icon.png")
    out.write_bytes(png)
    print(f"{out} ({len(png)} bytes)")


if __name__ == "__main__":
    main()
