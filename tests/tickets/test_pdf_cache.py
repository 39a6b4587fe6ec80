"""A ticket's PDF is rendered once per version (and content), then served from files."""

import pytest

from festival.extensions import db
from festival.tickets import pdf
from festival.tickets.pdf_cache import cache_directory, cached_ticket_pdf, purge_pdf_cache
from festival.tickets.services import cancel_ticket, reissue_ticket


@pytest.fixture
def renders(monkeypatch):
    """Count real renders."""
    calls = []
    real = pdf.render_pages

    def counting(pages, locale):
        calls.append(locale)
        return real(pages, locale)

    monkeypatch.setattr(pdf, "render_pages", counting)
    return calls


def cached_files(ticket_id=None):
    pattern = "*.pdf" if ticket_id is None else f"{ticket_id}-*.pdf"
    return sorted(p.name for p in cache_directory().glob(pattern))


def test_the_second_request_is_served_from_the_cache(make_ticket, renders):
    ticket = make_ticket()
    first = cached_ticket_pdf(ticket, "fr")
    second = cached_ticket_pdf(ticket, "fr")
    assert first == second and first.startswith(b"%PDF")
    assert renders == ["fr"]
    [name] = cached_files()
    assert name.startswith(f"{ticket.id}-v1-fr-") and name.endswith(".pdf")
    cached_ticket_pdf(ticket, "en")
    assert renders == ["fr", "en"]


def test_a_reissue_deletes_the_old_version_and_renders_the_new_one(make_ticket, renders):
    ticket, other = make_ticket(), make_ticket(name="Ana")
    cached_ticket_pdf(ticket, "fr")
    cached_ticket_pdf(other, "fr")
    reissue_ticket(ticket)
    db.session.commit()
    assert cached_files(ticket.id) == []
    assert len(cached_files(other.id)) == 1
    cached_ticket_pdf(ticket, "fr")
    assert [n.split("-")[1] for n in cached_files(ticket.id)] == ["v2"]
    assert len(renders) == 3


def test_a_cancelled_ticket_leaves_no_pdf(make_ticket):
    ticket = make_ticket()
    cached_ticket_pdf(ticket, "fr")
    cancel_ticket(ticket)
    db.session.commit()
    assert cached_files(ticket.id) == []


def test_a_change_printed_on_the_page_renders_again(make_ticket, renders):
    """A booking confirmed from the waiting list does not bump the version but shows."""
    ticket = make_ticket()
    cached_ticket_pdf(ticket, "fr")
    ticket.attendee.bookings[0].event.room = "Salle 3"
    db.session.commit()
    cached_ticket_pdf(ticket, "fr")
    cached_ticket_pdf(ticket, "fr")
    assert len(renders) == 2
    assert len(cached_files(ticket.id)) == 1  # the stale file went


def test_purge_one_ticket_or_all(make_ticket):
    first, second = make_ticket(), make_ticket(name="Ana")
    for ticket in (first, second):
        cached_ticket_pdf(ticket, "fr")
    assert purge_pdf_cache(first.id) == 1
    assert cached_files(first.id) == [] and len(cached_files(second.id)) == 1
    assert purge_pdf_cache() == 1
    assert cached_files() == []
    assert purge_pdf_cache() == 0
