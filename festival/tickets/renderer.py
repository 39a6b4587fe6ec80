"""WeasyPrint's state for ticket PDFs, built once per process and reused by every render.

What a render reuses (measured with cProfile, see ``bench/tickets.py``):

- one ``FontConfiguration``: a fresh one per render costs ~40% more (fontconfig, Pango caches);
- the ticket stylesheet, parsed once;
- a lean copy of WeasyPrint's HTML user-agent stylesheet, parsed once. The stock one gives
  every element six pseudo-elements (``::marker``, ``::footnote-call``, ``::footnote-marker``,
  ``::note-call``, ``::note-marker``, ``::note-callback``) through universal rules, and each
  gets a computed style: ~330 of the ~425 styles of a ticket page. Its ``@page`` rule also
  styles the 16 margin boxes, ``@footnote`` and ``@note-area``: 18 more styles per page, for
  areas a ticket leaves empty (-3% instructions per page). Tickets use no list markers, no
  footnotes or notes and print nothing in the margins, so those rules are dropped and the
  rest is kept as it is.

The ticket template writes polyglot markup (well-formed XML that is also HTML), parsed with
expat in C (~0.07 ms) instead of tinyhtml5's HTML5 parser in Python (~2.8 ms, 5% of a page):
the same tree. Markup expat refuses (a control character in a value, raw HTML) goes through
tinyhtml5 as before.

One render at a time per process (a lock): the shared ``FontConfiguration`` (Pango,
fontconfig) is not made for concurrent use, and threads would gain nothing since rendering
holds the GIL. Throughput comes from processes: see ``festival.tickets.pdf``.
"""

import re
import threading
from importlib.resources import files
from pathlib import Path
from xml.etree import ElementTree

import cssselect2
import tinyhtml5
import weasyprint.css
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.text.fonts import FontConfiguration

from festival.tickets.fetcher import safe_url_fetcher

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "css" / "tickets-pdf.css"

# Universal pseudo-element rules of WeasyPrint's UA sheet that a ticket never uses.
UNUSED_UA_RULES = re.compile(
    r"^::(?:marker|footnote-call|footnote-marker|note-call|note-marker|note-callback)"
    r"\s*\{[^}]*\}[ \t]*$",
    re.MULTILINE,
)
# The page areas styled inside its @page rule, one indented line each (@top-left { ... }).
UNUSED_PAGE_AREAS = re.compile(r"^[ \t]+@[a-z-]+\s*\{[^}]*\}[ \t]*\n", re.MULTILINE)


def lean_user_agent_css() -> tuple[str, int]:
    """Give WeasyPrint's HTML user-agent CSS without the unused rules, and how many went."""
    text = (files(weasyprint.css) / "html5_ua.css").read_text("utf-8")
    removed = 0
    for unused in (UNUSED_UA_RULES, UNUSED_PAGE_AREAS):
        text, count = unused.subn("", text)
        removed += count
    return text, removed


class _TicketHTML(HTML):
    """An HTML document from a parsed tree, styled with the lean user-agent sheet."""

    user_agent_sheets: list[CSS] = []

    def __init__(self, root: ElementTree.Element, url_fetcher):
        # What HTML.__init__ sets, from a tree parsed already (``parse_html``).
        self.base_url = None
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root)
        self.etree_element = self.wrapper_element.etree_element

    def _ua_stylesheets(self, forms=False):
        return self.user_agent_sheets


def parse_html(html: str) -> ElementTree.Element:
    """Parse ``html`` with expat when it is well-formed XML, else as HTML5 (tinyhtml5)."""
    # XML's dangers (entity expansion, external entities) need a DTD: expat only sees markup
    # whose one declaration is the bare HTML doctype, as the template writes it.
    if html.startswith(_DOCTYPE) and html.count("<!") == 1:
        try:
            return ElementTree.fromstring(html)  # noqa: S314  (no DTD, see above)
        except (ElementTree.ParseError, ValueError):  # ValueError: a lone surrogate
            pass
    return tinyhtml5.parse(html, namespace_html_elements=False)


_DOCTYPE = "<!DOCTYPE html>"


class Renderer:
    """The per-process rendering state: fonts, parsed stylesheets, the safe fetcher."""

    def __init__(self):
        self.lock = threading.Lock()
        self.font_config = FontConfiguration()
        self.fetcher = safe_url_fetcher()
        ua_text, _removed = lean_user_agent_css()
        self.user_agent = CSS(string=ua_text, counter_style=CounterStyle())
        self.stylesheet = CSS(
            string=STYLESHEET.read_text(encoding="utf-8"),
            font_config=self.font_config,
            url_fetcher=self.fetcher,
        )

    def render(self, html: str) -> bytes:
        with self.lock:
            document = _TicketHTML(parse_html(html), url_fetcher=self.fetcher)
            document.user_agent_sheets = [self.user_agent]
            return document.write_pdf(stylesheets=[self.stylesheet], font_config=self.font_config)


_renderer: Renderer | None = None
_renderer_lock = threading.Lock()


def get_renderer() -> Renderer:
    """Give this process's renderer, building it on first use."""
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            _renderer = Renderer()
    return _renderer
