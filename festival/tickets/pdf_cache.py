"""Ticket PDFs rendered once, then served from files in ``instance/pdf-cache/``.

A file is ``<ticket_id>-v<version>-<locale>-<digest>.pdf``. The version changes on reissue and
cancel (which purge the ticket's files); the digest, taken over every value printed on the page,
changes when something else printed changes without a version bump: a booking confirmed from the
waiting list, an event moved, a venue's address, a key rotation (a new signature). So a cached
PDF is never stale and nobody has to remember to invalidate it. Files are written atomically
(temporary file + rename), so concurrent workers never serve half a file.
"""

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from flask import current_app

CACHE_DIRECTORY = "pdf-cache"


def cache_directory() -> Path:
    return Path(current_app.instance_path) / CACHE_DIRECTORY


def _digest(page) -> str:
    text = json.dumps(asdict(page), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cached_ticket_pdf(ticket, locale: str) -> bytes:
    """Give the PDF of one ticket in ``locale``, rendering it only if not cached yet."""
    from festival.tickets import pdf  # WeasyPrint is heavy: only for processes that render

    return cached_page_pdf(ticket.id, ticket.version, pdf.ticket_page(ticket, locale), locale)


def cached_page_pdf(ticket_id: int, version: int, page, locale: str) -> bytes:
    """Give the PDF of a ticket page already read from the database (no SQL here)."""
    from festival.tickets import pdf

    directory = cache_directory()
    path = directory / f"{ticket_id}-v{version}-{locale}-{_digest(page)}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = pdf.render_pages([page], locale)
    _write_atomically(path, data)
    for stale in directory.glob(f"{ticket_id}-*-{locale}-*.pdf"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return data


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def purge_pdf_cache(ticket_id: int | None = None) -> int:
    """Delete the cached PDFs of one ticket, or all of them; give how many files went."""
    directory = cache_directory()
    if not directory.is_dir():
        return 0
    pattern = "*.pdf" if ticket_id is None else f"{int(ticket_id)}-*.pdf"
    removed = 0
    for path in directory.glob(pattern):
        path.unlink(missing_ok=True)
        removed += 1
    return removed
