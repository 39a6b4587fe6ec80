"""Absolute links sent to attendees, built from PUBLIC_BASE_URL, never from the Host header."""

from flask import current_app
from werkzeug.routing import BuildError


def absolute_url(endpoint: str, **values) -> str:
    """Build ``endpoint``'s URL on PUBLIC_BASE_URL (works outside requests, e.g. in a worker)."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    adapter = current_app.url_map.bind("festival.invalid", url_scheme="https")
    return base + adapter.build(endpoint, values)


def manage_url(registration) -> str:
    return absolute_url(
        "registration.manage", lang=registration.locale, token=registration.manage_token
    )


def pdf_url(ticket) -> str:
    try:
        return absolute_url("tickets.pdf", token=ticket.pdf_token)
    except BuildError:  # the tickets feature's route is not there yet: its documented path
        base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
        return f"{base}/tickets/{ticket.pdf_token}.pdf"
