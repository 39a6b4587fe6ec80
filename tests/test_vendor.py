"""Vendored browser libraries: checksums, licences, and the zxing wasm pin.

Standard library only; no fixtures from conftest.
"""

import hashlib
import re
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "festival" / "static" / "vendor"
SUMS = VENDOR / "SHA256SUMS"
ZXING_IIFE = VENDOR / "zxing-wasm" / "zxing-reader.iife.js"
ZXING_WASM = VENDOR / "zxing-wasm" / "zxing_reader.wasm"
EXPECTED_LIBS = {"zxing-wasm", "idb", "chartjs", "axe-core", "noble-ed25519"}
SUM_LINE = re.compile(r"^([0-9a-f]{64}) [ *](\S.*)$")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sum_entries() -> list[tuple[str, str]]:
    entries = []
    for lineno, line in enumerate(SUMS.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        m = SUM_LINE.match(line)
        assert m, f"SHA256SUMS line {lineno} is not in sha256sum format: {line!r}"
        entries.append((m.group(1), m.group(2)))
    return entries


def test_sha256sums_match_files():
    entries = _sum_entries()
    assert entries, "SHA256SUMS is empty"
    for digest, rel in entries:
        path = (VENDOR / rel).resolve()
        assert VENDOR in path.parents, f"{rel} points outside the vendor dir"
        assert path.is_file(), f"{rel} listed in SHA256SUMS but missing"
        assert _sha256(path) == digest, f"{rel}: sha256 mismatch"


def test_every_vendored_file_is_listed():
    listed = {rel for _, rel in _sum_entries()}
    on_disk = {
        p.relative_to(VENDOR).as_posix()
        for p in VENDOR.rglob("*")
        if p.is_file() and p.name not in {"SHA256SUMS", "README.md"}
    }
    assert on_disk == listed, (
        f"unlisted: {sorted(on_disk - listed)}; missing: {sorted(listed - on_disk)}"
    )


def test_each_lib_dir_has_licence():
    lib_dirs = {p.name for p in VENDOR.iterdir() if p.is_dir()}
    assert lib_dirs >= EXPECTED_LIBS, f"missing lib dirs: {sorted(EXPECTED_LIBS - lib_dirs)}"
    for name in sorted(lib_dirs):
        licence = VENDOR / name / "LICENSE"
        assert licence.is_file(), f"{name}/ has no LICENSE"
        assert licence.stat().st_size > 200, f"{name}/LICENSE looks truncated"


def test_zxing_iife_embeds_sha256_of_vendored_wasm():
    js = ZXING_IIFE.read_text(encoding="utf-8")
    # zxing-wasm 3.1.x exports the expected wasm hash as a hex string constant:
    #   e.ZXING_WASM_SHA256=`<64 hex>`
    m = re.search(r"\bZXING_WASM_SHA256=[`'\"]([0-9a-f]{64})[`'\"]", js)
    assert m, "ZXING_WASM_SHA256 constant not found in the zxing IIFE"
    assert m.group(1) == _sha256(ZXING_WASM), "zxing IIFE expects a different zxing_reader.wasm"


def test_zxing_iife_version_matches_readme():
    js = ZXING_IIFE.read_text(encoding="utf-8")
    version = re.search(r"\bZXING_WASM_VERSION=([A-Za-z_$][\w$]*)", js)
    assert version, "ZXING_WASM_VERSION export not found"
    value = re.search(rf"\b{re.escape(version.group(1))}=[`'\"](\d+\.\d+\.\d+)[`'\"]", js)
    assert value and value.group(1).startswith("3.1."), "zxing IIFE is not a 3.1.x build"
    assert f"zxing-wasm | {value.group(1)} " in (VENDOR / "README.md").read_text(encoding="utf-8")
