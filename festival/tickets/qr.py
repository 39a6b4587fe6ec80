"""The QR image of a ticket code: an SVG with one path, inlined in pages and PDFs.

qrcode encodes the matrix (error correction M, its best mask); the path is drawn here from the
matrix with one stroke per horizontal or vertical run of dark modules (``_strokes_path``): the
same picture as qrcode's ``SvgPathImage``, a quarter of the bytes, 0.3 ms instead of 6 ms to
build, and far cheaper for WeasyPrint. A white background keeps the quiet zone light on
dark-mode screens.

Choosing the mask is most of the cost of a new QR: qrcode lays the data out nine times (each of
the eight masks is scored, then the best one is laid out again), walking the whole grid with a
mask function call per module each time, and scores each mask module by module in Python.
``_QRCode`` lays the data out from coordinates and mask bits computed once per version, and
scores a mask on rows and columns as strings and integers (``_penalty``, the same rules and
points as ``qrcode.util.lost_point``): the same matrix, bit for bit (tests/tickets/test_codes.py
compares them), in a third of the time.
"""

import base64
import re
from functools import lru_cache
from itertools import pairwise

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules; the QR standard's minimum


class _QRCode(qrcode.QRCode):
    """qrcode's encoder with a data layout that reuses what does not change per version."""

    def map_data(self, data, mask_pattern):
        cells = _data_cells(self.version, self.modules)
        bits = self._data_bits(data, len(cells))
        modules = self.modules
        flips = _mask_bits(self.version, mask_pattern)
        for (row, col), bit, flip in zip(cells, bits, flips, strict=True):
            modules[row][col] = bit != flip

    def best_mask_pattern(self):
        penalties = []
        for mask_pattern in range(8):
            self.makeImpl(True, mask_pattern)
            penalties.append(_penalty(self.modules))
        return penalties.index(min(penalties))  # the first of equals, as qrcode picks

    def _data_bits(self, data, count: int) -> list[bool]:
        # The same data is laid out under each mask: expand its bits once.
        if getattr(self, "_bits_of", None) is not data:
            bits = [(byte >> shift) & 1 == 1 for byte in data for shift in range(7, -1, -1)]
            self._bits_of, self._bits = data, (bits + [False] * count)[:count]
        return self._bits


_cells_by_version: dict[int, list[tuple[int, int]]] = {}
_mask_bits_by_version: dict[tuple[int, int], list[bool]] = {}


def _data_cells(version: int, modules: list[list]) -> list[tuple[int, int]]:
    """The data modules of ``version`` in qrcode's placement order (``QRCode.map_data``): two
    columns at a time from the right, upwards then downwards, skipping the timing column and
    every module a function pattern took (``None`` in ``modules`` before the data goes in)."""
    cells = _cells_by_version.get(version)
    if cells is None:
        count = len(modules)
        cells, row, step = [], count - 1, -1
        for col in range(count - 1, 0, -2):
            if col <= 6:
                col -= 1
            while 0 <= row < count:
                cells.extend((row, c) for c in (col, col - 1) if modules[row][c] is None)
                row += step
            row -= step
            step = -step
        _cells_by_version[version] = cells
    return cells


def _mask_bits(version: int, mask_pattern: int) -> list[bool]:
    key = (version, mask_pattern)
    bits = _mask_bits_by_version.get(key)
    if bits is None:
        mask = qrcode.util.mask_func(mask_pattern)
        bits = _mask_bits_by_version[key] = [
            bool(mask(row, col)) for row, col in _cells_by_version[version]
        ]
    return bits


# Rows and columns as bytes, one per module (0 light, 1 dark): C-speed regular expressions.
_RUN_OF_FIVE_OR_MORE = re.compile(b"\x00{5,}|\x01{5,}")
# A finder-like pattern (dark, light, dark x3, light, dark) with 4 light modules on one side;
# a lookahead, so that overlapping occurrences count as in qrcode.
_FINDER_LIKE = re.compile(
    b"(?=\x01\x00\x01\x01\x01\x00\x01\x00\x00\x00\x00|\x00\x00\x00\x00\x01\x00\x01\x01\x01\x00\x01)"
)
_AS_BINARY_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def _penalty(modules: list[list[bool]]) -> int:
    """The mask penalty of ISO/IEC 18004 as qrcode computes it (``util.lost_point``)."""
    size = len(modules)
    rows = [bytes(row) for row in modules]
    lines = rows + [bytes(column) for column in zip(*modules, strict=True)]
    # Rule 1: each run of 5 or more modules of one colour, in a row or column: 3 + (run - 5).
    points = sum(len(run) - 2 for line in lines for run in _RUN_OF_FIVE_OR_MORE.findall(line))
    # Rule 2: each 2x2 block of one colour: 3 (rows as integers, a bit per module).
    values = [int(row.translate(_AS_BINARY_DIGITS), 2) for row in rows]
    pairs = (1 << (size - 1)) - 1
    for upper, lower in pairwise(values):
        same_across = ~(upper ^ (upper >> 1)) & ~(lower ^ (lower >> 1))
        points += 3 * (same_across & ~(upper ^ lower) & pairs).bit_count()
    # Rule 3: each finder-like pattern in a row or column: 40.
    points += 40 * sum(len(_FINDER_LIKE.findall(line)) for line in lines)
    # Rule 4: 10 for each 5% the dark share departs from 50%.
    dark = sum(row.count(1) for row in rows)
    return points + int(abs(float(dark) / size**2 * 100 - 50) / 5) * 10


def qr_matrix(code: str) -> qrcode.QRCode:
    """Encode ``code`` at level M in the smallest QR version that holds it."""
    qr = _QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    # The code's alphabet (A-Z2-7) fits QR's alphanumeric mode: 5.5 bits per character.
    qr.add_data(code, optimize=0)
    qr.make(fit=True)
    return qr


@lru_cache(maxsize=512)
def qr_svg(code: str) -> str:
    """Give the QR of ``code`` as an inline SVG element sized by CSS (no fixed width)."""
    matrix = qr_matrix(code).get_matrix()  # includes the quiet zone
    size = len(matrix)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" class="qr">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="none" stroke="#000" stroke-width="1" d="{_strokes_path(matrix)}"/></svg>'
    )


def _strokes_path(matrix: list[list[bool]]) -> str:
    """Cover the dark modules with strokes one module thick, each along its longer run.

    WeasyPrint parses SVG paths in Python, command by command, so the number of strokes is
    what the QR costs to render (one closed square per module, as qrcode's ``SvgPathImage``
    draws, made a ticket page ~50 ms slower). Each uncovered dark module, in reading order,
    gets the longer of its horizontal and vertical dark runs (two commands: a move and a
    line): 297 strokes where horizontal runs alone took 362 on a ticket code. Strokes may
    overlap, black on black; none touches a light module.
    """
    size = len(matrix)
    covered = [[False] * size for _ in range(size)]
    parts = []
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if not dark or covered[y][x]:
                continue
            left, right = x, x + 1
            while left > 0 and row[left - 1]:
                left -= 1
            while right < size and row[right]:
                right += 1
            top, bottom = y, y + 1
            while top > 0 and matrix[top - 1][x]:
                top -= 1
            while bottom < size and matrix[bottom][x]:
                bottom += 1
            if right - left >= bottom - top:
                for i in range(left, right):
                    covered[y][i] = True
                parts.append(f"M{left} {y}.5h{right - left}")
            else:
                for j in range(top, bottom):
                    covered[j][x] = True
                parts.append(f"M{x}.5 {top}v{bottom - top}")
    return "".join(parts)


def qr_data_uri(code: str) -> str:
    """Give the QR as a ``data:`` URI, the only kind of URL the PDF renderer may load."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(code).encode()).decode()
