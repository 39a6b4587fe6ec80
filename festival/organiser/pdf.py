"""Render organiser HTML to PDF with WeasyPrint, fetching nothing but ``data:`` URIs."""


def _safe_fetcher():
    """The tickets feature's fetcher when merged; until then the same rule, here only."""
    try:
        from festival.tickets.pdf import safe_url_fetcher
    except ImportError:
        from weasyprint.urls import URLFetcher

        # file:, http: and redirects would let a document read the server's files.
        return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    return safe_url_fetcher


def html_to_pdf(html: str) -> bytes:
    """Give the PDF of a self-contained HTML document."""
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_safe_fetcher(), base_url=None).write_pdf()
