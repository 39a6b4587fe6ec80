"""Draw the scanner's home-screen icons: one SVG and the PNGs that installers require.

The icon is drawn here, from one geometry, into both formats, with the standard library only
(zlib + struct write the PNGs): nothing is downloaded, and rerunning gives the same bytes.

    python scripts/scanner_icons.py      # writes festival/static/icons/scanner*.{svg,png}
"""

import math
import struct
import sys
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "festival" / "static" / "icons"
SIZE = 512  # the drawing's units
CORNER_RADIUS = 96
BLACK, WHITE, GREEN = (0, 0, 0, 255), (255, 255, 255, 255), (46, 204, 113, 255)
CLEAR = (0, 0, 0, 0)
# A viewfinder's four corners (x, y, width, height) and a tick through it.
FRAME = [
    (96, 96, 96, 36),
    (96, 96, 36, 96),
    (320, 96, 96, 36),
    (380, 96, 36, 96),
    (96, 380, 96, 36),
    (96, 320, 36, 96),
    (320, 380, 96, 36),
    (380, 320, 36, 96),
]
TICK = [(170, 262), (232, 324), (346, 196)]
TICK_WIDTH = 44
# Maskable icons may be cropped to a circle: keep the drawing inside its safe zone.
MASKABLE_SCALE = 0.72


def svg() -> str:
    rects = "\n".join(
        f'  <rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#fff"/>' for x, y, w, h in FRAME
    )
    points = " ".join(f"{x},{y}" for x, y in TICK)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}">\n'
        f'  <rect width="{SIZE}" height="{SIZE}" rx="{CORNER_RADIUS}" fill="#000"/>\n'
        f"{rects}\n"
        f'  <polyline points="{points}" fill="none" stroke="#2ecc71" '
        f'stroke-width="{TICK_WIDTH}" stroke-linecap="round" stroke-linejoin="round"/>\n'
        "</svg>\n"
    )


def _near_segment(px, py, a, b, radius) -> bool:
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy) <= radius


def _in_rounded_square(x, y) -> bool:
    r = CORNER_RADIUS
    cx = min(max(x, r), SIZE - r)
    cy = min(max(y, r), SIZE - r)
    return 0 <= x <= SIZE and 0 <= y <= SIZE and math.hypot(x - cx, y - cy) <= r


def _colour_at(x, y, maskable: bool):
    """The colour at a point of the drawing (in drawing units)."""
    if maskable:  # full-bleed background, drawing shrunk towards the centre
        x = (x - SIZE / 2) / MASKABLE_SCALE + SIZE / 2
        y = (y - SIZE / 2) / MASKABLE_SCALE + SIZE / 2
    elif not _in_rounded_square(x, y):
        return CLEAR
    if any(_near_segment(x, y, a, b, TICK_WIDTH / 2) for a, b in zip(TICK, TICK[1:], strict=False)):
        return GREEN
    if any(fx <= x <= fx + w and fy <= y <= fy + h for fx, fy, w, h in FRAME):
        return WHITE
    return BLACK


def render(pixels: int, maskable: bool = False) -> list[bytes]:
    """Rasterise with 2×2 samples per pixel (smooth edges); give the RGBA rows."""
    scale = SIZE / pixels
    offsets = (0.25, 0.75)
    rows = []
    for j in range(pixels):
        row = bytearray()
        for i in range(pixels):
            samples = [
                _colour_at((i + ox) * scale, (j + oy) * scale, maskable)
                for oy in offsets
                for ox in offsets
            ]
            alpha = sum(s[3] for s in samples)
            if alpha == 0:
                row += bytes(4)
                continue
            # Average colours weighted by their opacity, so edges do not darken.
            row += bytes(
                round(sum(s[c] * s[3] for s in samples) / alpha) for c in range(3)
            ) + bytes([round(alpha / len(samples))])
        rows.append(bytes(row))
    return rows


def png(rows: list[bytes]) -> bytes:
    height, width = len(rows), len(rows[0]) // 4

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scanner.svg").write_text(svg(), encoding="utf-8")
    for pixels in (192, 512):
        (OUT / f"scanner-{pixels}.png").write_bytes(png(render(pixels)))
    (OUT / "scanner-maskable-512.png").write_bytes(png(render(512, maskable=True)))
    print(f"icons written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
