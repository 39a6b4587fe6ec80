"""HTML views of the tickets feature: the ticket PDF behind its secret link."""

from flask import Blueprint, Response, current_app
from markupsafe import Markup

from festival.tickets import attachments, pdf_cache, services
from festival.tickets.qr import qr_svg

del attachments  # imported for its side effect: the confirmation email carries the PDFs

bp = Blueprint("tickets", __name__, url_prefix="/tickets")


@bp.get("/<token>.pdf")
def pdf(token: str):
    """Serve a ticket's PDF (rendered once per version, then from the cache)."""
    ticket = services.ticket_by_pdf_token(token)
    locale = services.ticket_locale(ticket, current_app.config["LOCALES"])
    data = pdf_cache.cached_ticket_pdf(ticket, locale)
    response = Response(data, mimetype="application/pdf")
    # The link is a bearer secret and the PDF holds a name: keep it out of shared caches.
    response.headers["Cache-Control"] = "private, no-store"
    filename = f"meltingpotch-ticket-{ticket.id}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.app_template_global()
def ticket_qr_svg(ticket) -> Markup:
    """The ticket's QR as inline SVG for pages (built from [A-Z2-7] only: safe markup)."""
    return Markup(qr_svg(services.code_for(ticket)))  # noqa: S704


@bp.app_template_global()
def ticket_short_code(ticket) -> str:
    return services.group_short_code(ticket.short_code)
