"""The one URL fetcher every PDF of the app is rendered with: ``data:`` URIs only.

WeasyPrint's default fetcher follows ``file:``, ``http(s):`` and redirects, so a document that
names a URL (an ``<img>``, ``<link rel=attachment>``, ``@import`` in text that escaped
escaping) could read the server's files into the PDF or reach internal hosts
(CVE-2025-68616 for redirects). Ticket, organiser report and export PDFs embed what they need
as ``data:`` URIs, so nothing else is allowed: no files, no network, no redirects.
"""

from weasyprint.urls import URLFetcher

ALLOWED_PROTOCOLS = frozenset({"data"})


def safe_url_fetcher() -> URLFetcher:
    """Give a new fetcher that loads ``data:`` URIs and refuses every other URL.

    A new one per caller: ``URLFetcher`` keeps per-request state between ``open`` and
    ``fetch``, so one instance must not serve two renders at once.
    """
    return URLFetcher(allowed_protocols=set(ALLOWED_PROTOCOLS), allow_redirects=False, timeout=1)
