"""Draw the two Teams app icons (color 192x192, outline 32x32) as PNG without an image library.

Why by hand: two static icons do not justify a Pillow dependency; PNG is zlib-compressed rows
plus three chunks. Run ``python3 teams/make_icons.py`` to regenerate ``color.png``/``outline.png``.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

RGBA = tuple[int, int, int, int]
ACCENT: RGBA = (31, 78, 121, 255)  # manifest accentColor #1F4E79
WHITE: RGBA = (255, 255, 255, 255)
CLEAR: RGBA = (0, 0, 0, 0)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png(pixels: list[list[RGBA]]) -> bytes:
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + b"".join(bytes(p) for p in row) for row in pixels)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def _in_m(x: float, y: float) -> bool:
    """A bold 'M' in the unit square (two posts and a V between them)."""
    if not 0.2 <= y <= 0.8 or not 0.18 <= x <= 0.82:
        return False
    if x <= 0.32 or x >= 0.68:
        return True
    centre = 0.55 - abs(x - 0.5) / 0.18 * 0.35  # the V: from the posts' tops down to the middle
    return abs(y - centre) <= 0.09


def draw(size: int, background: RGBA, foreground: RGBA) -> bytes:
    rows = []
    for j in range(size):
        row = []
        for i in range(size):
            x, y = (i + 0.5) / size, (j + 0.5) / size
            row.append(foreground if _in_m(x, y) else background)
        rows.append(row)
    return png(rows)


def main() -> None:
    here = Path(__file__).parent
    (here / "color.png").write_bytes(draw(192, ACCENT, WHITE))
    (here / "outline.png").write_bytes(draw(32, CLEAR, WHITE))


if __name__ == "__main__":
    main()
