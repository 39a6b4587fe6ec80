"""The QR image of a ticket code: an SVG with one path, inlined in pages and PDFs.

qrcode encodes the matrix (error correction M, its best mask); the path is drawn here from the
matrix with one stroke per horizontal or vertical run of dark modules (``_strokes_path``): the
same picture as qrcode's ``SvgPathImage``, a quarter of the bytes, 0.3 ms instead of 6 ms to
build, and far cheaper for WeasyPrint. A white background keeps the quiet zone light on
dark-mode screens.

Choosing the mask is most of the cost of a new QR: qrcode lays the data out nine times (each of
the eight masks is scored, then the best one is laid out again), rebuilding the grid and
walking it with a mask function call per module each time, and scores each mask module by
module in Python. ``_QRCode`` scores the eight masks on flat byte grids (``_ScoringLayout``:
what qrcode lays out for scoring, built once per version; a mask is one integer XOR and one
C-level gather), on rows and columns as strings and integers (``_grid_penalty``, the same rules and
points as ``qrcode.util.lost_point``), and lays out only the chosen mask in qrcode's grid: the
same matrix, bit for bit (tests/tickets/test_codes.py compares them). The data is written in
one go (``_Data``) and its error correction computed from tables (``_codewords``), where qrcode
puts it bit by bit and divides polynomial objects. A new QR: 41.7 M -> 11.7 M instructions.
"""

import base64
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

import qrcode
import qrcode.LUT
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules; the QR standard's minimum


class _QRCode(qrcode.QRCode):
    """qrcode's encoder with a data layout that reuses what does not change per version."""

    _laying_out_functions_only = False

    def map_data(self, data, mask_pattern):
        if self._laying_out_functions_only:
            return
        cells = _data_cells(self.version, self.modules)
        bits = self._data_bits(data, len(cells))
        modules = self.modules
        flips = _mask_bits(self.version, mask_pattern)
        for (row, col), bit, flip in zip(cells, bits, flips, strict=True):
            modules[row][col] = bit != flip

    def best_mask_pattern(self):
        # Called once the version is known, before qrcode would encode the data (makeImpl).
        if self.data_cache is None:
            self.data_cache = _codewords(self.version, self.error_correction, self.data_list)
        layout = self._scoring_layout()
        data = _as_integer(self._data_bits(self.data_cache, len(layout.cells)))
        penalties = [_grid_penalty(layout.grid(data, mask), layout.size) for mask in range(8)]
        return penalties.index(min(penalties))  # the first of equals, as qrcode picks

    def _scoring_layout(self) -> "_ScoringLayout":
        layout = _scoring_layouts.get(self.version)
        if layout is None:
            # qrcode's own function patterns as it scores masks (test mode: format bits light),
            # data cells left empty (None).
            self._laying_out_functions_only = True
            try:
                self.makeImpl(True, 0)
            finally:
                self._laying_out_functions_only = False
            layout = _scoring_layouts[self.version] = _ScoringLayout.of(self.version, self.modules)
        return layout

    def _data_bits(self, data, count: int) -> list[bool]:
        # The same data is laid out under each mask: expand its bits once.
        if getattr(self, "_bits_of", None) is not data:
            bits = [(byte >> shift) & 1 == 1 for byte in data for shift in range(7, -1, -1)]
            self._bits_of, self._bits = data, (bits + [False] * count)[:count]
        return self._bits


class _Data(qrcode.util.QRData):
    """qrcode's data in its best mode; alphanumeric data (a ticket code) is written at once."""

    def write(self, buffer):
        if self.mode != qrcode.util.MODE_ALPHA_NUM:
            super().write(buffer)  # all digits: a code almost never is
            return
        value, count = 0, 0
        for at in range(0, len(self.data) - 1, 2):  # 11 bits per pair of characters
            pair = _ALPHANUMERIC[self.data[at]] * 45 + _ALPHANUMERIC[self.data[at + 1]]
            value, count = (value << 11) | pair, count + 11
        if len(self.data) % 2:  # 6 bits for the last one alone
            value, count = (value << 6) | _ALPHANUMERIC[self.data[-1]], count + 6
        _put_bits(buffer, value, count)


_ALPHANUMERIC = {char: index for index, char in enumerate(qrcode.util.ALPHA_NUM)}


def _put_bits(buffer: qrcode.util.BitBuffer, value: int, count: int) -> None:
    """``buffer.put(value, count)`` a byte at a time, not a method call per bit."""
    used = buffer.length % 8
    head = buffer.buffer.pop() >> (8 - used) if used else 0  # the last byte's bits so far
    total = used + count
    padding = -total % 8
    merged = ((head << count) | value) << padding
    buffer.buffer.extend(merged.to_bytes((total + padding) // 8, "big"))
    buffer.length += count


def _codewords(version: int, error_correction: int, data_list: list) -> list[int]:
    """The data and error correction codewords of ``qrcode.util.create_data``, the same.

    qrcode computes the error correction with polynomial objects, a new one per data codeword;
    here it is a table lookup and an integer XOR per codeword (``_error_correction``).
    """
    buffer = qrcode.util.BitBuffer()
    for data in data_list:
        _put_bits(buffer, data.mode, 4)
        _put_bits(buffer, len(data), qrcode.util.length_in_bits(data.mode, version))
        data.write(buffer)
    blocks = qrcode.base.rs_blocks(version, error_correction)
    bit_limit = sum(block.data_count * 8 for block in blocks)
    if len(buffer) > bit_limit:
        raise qrcode.exceptions.DataOverflowError(f"{len(buffer)} bits > {bit_limit}")
    _put_bits(buffer, 0, min(bit_limit - len(buffer), 4))  # terminator
    _put_bits(buffer, 0, -len(buffer) % 8)  # to a whole codeword
    padding = (bit_limit - len(buffer)) // 8
    buffer.buffer.extend(((qrcode.util.PAD0, qrcode.util.PAD1) * padding)[:padding])
    data_blocks, offset = [], 0
    for block in blocks:
        data_blocks.append(buffer.buffer[offset : offset + block.data_count])
        offset += block.data_count
    ec_blocks = [
        _error_correction(data, block.total_count - block.data_count)
        for data, block in zip(data_blocks, blocks, strict=True)
    ]
    return _interleaved(data_blocks) + _interleaved(ec_blocks)


def _interleaved(blocks: list[list[int]]) -> list[int]:
    """The first codeword of each block, then the second of each, and so on."""
    longest = max(len(block) for block in blocks)
    return [block[at] for at in range(longest) for block in blocks if at < len(block)]


def _error_correction(data: list[int], count: int) -> list[int]:
    """The ``count`` Reed-Solomon codewords of ``data``: the remainder of its division by the
    generator polynomial, as a shift register of ``count`` bytes held in one integer."""
    products = _generator_products(count)
    top, mask = 8 * (count - 1), (1 << (8 * count)) - 1
    remainder = 0
    for codeword in data:
        remainder = ((remainder << 8) & mask) ^ products[codeword ^ (remainder >> top)]
    return list(remainder.to_bytes(count, "big"))


@lru_cache(maxsize=8)
def _generator_products(count: int) -> tuple[int, ...]:
    """For each byte value, its product with the generator polynomial of ``count`` codewords
    (its coefficients after the leading 1, in GF(256)), as an integer of ``count`` bytes."""
    generator = qrcode.LUT.rsPoly_LUT[count][1:]

    def times(factor: int, coefficient: int) -> int:
        if not factor or not coefficient:
            return 0
        return qrcode.base.gexp(qrcode.base.glog(factor) + qrcode.base.glog(coefficient))

    return tuple(
        int.from_bytes(bytes(times(factor, c) for c in generator), "big") for factor in range(256)
    )


@dataclass(frozen=True)
class _ScoringLayout:
    """A version's grid as qrcode scores masks on it, flat: one byte (0 or 1) per module.

    A masked grid is gathered in one C call from the masked data bits followed by the function
    patterns (``_sources``: for each module, its index in that concatenation).
    """

    size: int
    cells: list[tuple[int, int]]
    functions: bytes  # the function patterns, one byte per module; 0 on data cells
    masks: tuple[int, ...]  # per mask, its flips of the data cells, a byte per cell
    _sources: itemgetter

    @classmethod
    def of(cls, version: int, modules: list[list]) -> "_ScoringLayout":
        size = len(modules)
        cells = _data_cells(version, modules)
        order = {cell: index for index, cell in enumerate(cells)}
        sources = [
            order[row, col] if modules[row][col] is None else len(cells) + row * size + col
            for row in range(size)
            for col in range(size)
        ]
        return cls(
            size=size,
            cells=cells,
            functions=bytes(value is True for row in modules for value in row),
            masks=tuple(_as_integer(_mask_bits(version, mask)) for mask in range(8)),
            _sources=itemgetter(*sources),
        )

    def grid(self, data: int, mask: int) -> bytes:
        """The grid with ``data`` (``_as_integer`` of its bits) laid out under ``mask``."""
        # Bytes of 0 and 1 XOR bytewise as big integers: a byte per data cell.
        masked = (data ^ self.masks[mask]).to_bytes(len(self.cells), "big")
        return bytes(self._sources(masked + self.functions))


_scoring_layouts: dict[int, _ScoringLayout] = {}


def _as_integer(bits: list[bool]) -> int:
    """Give ``bits`` as an integer with a byte (0 or 1) per bit, to XOR them all at once."""
    return int.from_bytes(bytes(bits), "big")


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


# Masks are scored on lines of modules, a byte each (0 light, 1 dark), all rows (or columns)
# in one bytes string behind and between separators (2: neither colour, so no run or pattern
# spans two lines), and on big integers of those bytes: bitwise operations at C speed.
_SEPARATOR = b"\x02"
# A finder-like pattern (dark, light, dark x3, light, dark) with 4 light modules on one side.
# Neither overlaps itself, so counting (non-overlapping) finds every occurrence.
_FINDER_LIKE = (
    b"\x01\x00\x01\x01\x01\x00\x01\x00\x00\x00\x00",
    b"\x00\x00\x00\x00\x01\x00\x01\x01\x01\x00\x01",
)


def _grid_penalty(grid: bytes, size: int) -> int:
    """The mask penalty of ISO/IEC 18004 as qrcode computes it (``util.lost_point``), of a flat
    grid: a byte per module, row after row."""
    rows = _SEPARATOR + _SEPARATOR.join(grid[at : at + size] for at in range(0, size * size, size))
    columns = _SEPARATOR + _SEPARATOR.join(grid[col::size] for col in range(size))
    ones = int.from_bytes(b"\x01" * len(rows), "big")
    row_bits, column_bits = int.from_bytes(rows, "big"), int.from_bytes(columns, "big")
    same_as_left = _same_as(row_bits, 1, ones)
    # Rule 1: each run of 5 or more modules of one colour, in a row or column: 3 + (run - 5),
    # that is one per module that ends 5 alike, plus 2 per run.
    points = _runs_of_five_points(same_as_left) + _runs_of_five_points(
        _same_as(column_bits, 1, ones)
    )
    # Rule 2: each 2x2 block of one colour: 3 (its lower right module is like its left
    # neighbour, the one above and that one's left neighbour).
    line = 8 * (size + 1)
    blocks = same_as_left & (same_as_left >> line) & _same_as(row_bits, size + 1, ones)
    points += 3 * blocks.bit_count()
    # Rule 3: each finder-like pattern in a row or column: 40.
    points += 40 * sum(
        lines.count(pattern) for lines in (rows, columns) for pattern in _FINDER_LIKE
    )
    # Rule 4: 10 for each 5% the dark share departs from 50%.
    dark = grid.count(1)
    return points + int(abs(float(dark) / size**2 * 100 - 50) / 5) * 10


def _same_as(lines: int, distance: int, ones: int) -> int:
    """Per module (byte) of ``lines``, 1 if it equals the module ``distance`` before it."""
    differences = lines ^ (lines >> (8 * distance))
    return ~(differences | (differences >> 1)) & ones  # values are 0 to 3: two low bits


def _runs_of_five_points(same_as_left: int) -> int:
    ends_five = same_as_left & (same_as_left >> 8) & (same_as_left >> 16) & (same_as_left >> 24)
    starts_run = ends_five & ~(same_as_left >> 32)  # the first of the five starts the run
    return ends_five.bit_count() + 2 * starts_run.bit_count()


def qr_matrix(code: str) -> qrcode.QRCode:
    """Encode ``code`` at level M in the smallest QR version that holds it."""
    qr = _QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    # The code's alphabet (A-Z2-7) fits QR's alphanumeric mode: 5.5 bits per character.
    qr.add_data(_Data(code))
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
    overlap, black on black; none touches a light module. (One dashed line per row would be
    far fewer commands, but pdfium, the PDF viewer of Chrome and Android, draws a dash array
    of more than 32 values wrong: the QR did not read back.)
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
