"""Render organiser HTML to PDF with WeasyPrint, fetching nothing but ``data:`` URIs."""


def html_to_pdf(html: str) -> bytes:
    """Give the PDF of a self-contained HTML document."""
    from weasyprint import HTML

    from festival.tickets.fetcher import safe_url_fetcher  # the app's one rule for PDFs

    return HTML(string=html, url_fetcher=safe_url_fetcher(), base_url=None).write_pdf()
