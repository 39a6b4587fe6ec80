"""Rendering cannot read local files or reach the network, whatever a name contains."""

import contextlib
import re
import select
import socket
import zlib

import pypdfium2
import pytest

from festival.tickets.fetcher import safe_url_fetcher
from festival.tickets.pdf import render_tickets_pdf
from festival.tickets.renderer import get_renderer

EMPTY_SVG = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="


@pytest.fixture
def listener():
    """A listening socket: any connection attempt from the renderer would be queued here."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    yield server
    server.close()


def received_connection(server) -> bool:
    readable, _, _ = select.select([server], [], [], 0.2)
    return bool(readable)


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("SECRET-MARKER-7c1f0e\n")
    return path


def all_pdf_bytes(data: bytes) -> bytes:
    """The PDF with every compressed stream inflated, to search it for leaked bytes."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(match.group(1)))
    return b"".join(parts)


def assert_nothing_leaked(data: bytes, secret_file):
    everything = all_pdf_bytes(data)
    assert b"SECRET-MARKER" not in everything
    assert b"root:x:0:0" not in everything
    document = pypdfium2.PdfDocument(data)
    try:
        assert document.count_attachments() == 0
    finally:
        document.close()


def hostile_names(port: int, secret_file) -> list[str]:
    return [
        '<img src="file:///etc/passwd">',
        f'<img src="file://{secret_file}">',
        "<link rel=attachment href=file:///etc/passwd>",
        f'<link rel="attachment" href="file://{secret_file}">',
        f"http://127.0.0.1:{port}/x",
        f'<img src="http://127.0.0.1:{port}/img"><link rel=stylesheet href="http://127.0.0.1:{port}/s">',
        f'<style>@import "http://127.0.0.1:{port}/i";</style>',
    ]


def test_hostile_names_are_printed_as_text(make_ticket, listener, secret_file, pdf_text):
    port = listener.getsockname()[1]
    names = hostile_names(port, secret_file)
    tickets = [make_ticket(name=name[:120]) for name in names]
    data = render_tickets_pdf(tickets, "fr")
    assert_nothing_leaked(data, secret_file)
    assert not received_connection(listener)
    texts = pdf_text(data)
    assert '<img src="file:///etc/passwd">' in texts[0]  # escaped, shown as typed
    assert f"http://127.0.0.1:{port}/x" in texts[4]


def _organiser_pdf(html: str) -> bytes:
    from festival.organiser.pdf import html_to_pdf

    return html_to_pdf(html)


@pytest.mark.parametrize(
    "render",
    [lambda html: get_renderer().render(html), _organiser_pdf],
    ids=["ticket", "organiser"],
)
def test_the_fetcher_refuses_files_and_network_even_in_raw_html(render, listener, secret_file):
    """Defence in depth: were escaping ever bypassed, the fetcher still loads nothing."""
    port = listener.getsockname()[1]
    html = (
        "<html><head>"
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">'
        f'<link rel="attachment" href="file://{secret_file}">'
        '<link rel="attachment" href="file:///etc/passwd">'
        f'<style>@import url("http://127.0.0.1:{port}/import.css");'
        f'body {{ background: url("file://{secret_file}"); }}</style>'
        "</head><body>"
        f'<img src="file://{secret_file}"><img src="file:///etc/passwd">'
        f'<img src="http://127.0.0.1:{port}/redirect">'
        f'<object data="file://{secret_file}"></object>'
        f'<a rel="attachment" href="file://{secret_file}">x</a>'
        f'<img src="{EMPTY_SVG}">'
        "</body></html>"
    )
    data = render(html)
    assert data.startswith(b"%PDF")
    assert_nothing_leaked(data, secret_file)
    assert not received_connection(listener)


def test_the_fetcher_refuses_files_and_network_in_markup_parsed_as_xml(
    listener, secret_file, monkeypatch
):
    """Well-formed markup with the template's doctype takes the fast parser: the same refusals."""
    from festival.tickets import renderer

    monkeypatch.setattr(renderer.tinyhtml5, "parse", None)  # the XML path, or a TypeError
    port = listener.getsockname()[1]
    html = (
        "<!DOCTYPE html><html><head>"
        f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css"/>'
        f'<link rel="attachment" href="file://{secret_file}"/>'
        f'<style>body {{ background: url("file://{secret_file}"); }}</style>'
        "</head><body>"
        f'<img src="file://{secret_file}"/><img src="http://127.0.0.1:{port}/x"/>'
        f'<a rel="attachment" href="file://{secret_file}">x</a>'
        "</body></html>"
    )
    data = get_renderer().render(html)
    assert_nothing_leaked(data, secret_file)
    assert not received_connection(listener)


def test_control_weasyprint_s_default_fetcher_would_leak_the_file(secret_file):
    """The check above can fail: without our fetcher the file lands in the PDF."""
    from weasyprint import HTML

    html = f'<link rel="attachment" href="file://{secret_file}"><p>x</p>'
    data = HTML(string=html).write_pdf()
    with pytest.raises(AssertionError):
        assert_nothing_leaked(data, secret_file)


def test_the_fetcher_allows_data_only_and_no_redirects():
    fetcher = safe_url_fetcher()
    assert get_renderer().fetcher._allowed_protocols == {"data"}
    assert fetcher._allowed_protocols == {"data"}
    assert not any(type(h).__name__ == "HTTPRedirectHandler" for h in fetcher.handlers)
