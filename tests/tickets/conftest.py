"""Ticket fixtures: registrations, attendees and bookings made directly, then a ticket."""

from datetime import UTC, datetime, timedelta

import pytest

from festival.extensions import db


@pytest.fixture
def edition(make_edition):
    return make_edition(name="Meltingpotch 2031")


@pytest.fixture
def venue(make_venue):
    return make_venue(
        name="L'Escapade",
        address="1 rue du Festival",
        postal_code="62110",
        is_step_free=True,
        has_hearing_loop=True,
        accessibility_notes_fr="Ascenseur à gauche de l'accueil.",
        accessibility_notes_en="Lift on the left of the reception.",
    )


@pytest.fixture
def make_ticket(app, edition, venue, make_event):
    """Make a registration with one attendee (or group), its bookings and its ticket."""
    from festival.registration.models import Attendee, Booking, Registration
    from festival.tickets.services import issue_ticket

    counter = iter(range(1, 10_000))

    def make(name="Zofia Nowak", locale="fr", group_size=1, events=None, waitlisted=()):
        n = next(counter)
        registration = Registration(
            edition_id=edition.id,
            contact_name=name,
            contact_email=f"contact{n}@example.org",
            locale=locale,
            manage_token=f"manage-token-{n}",
            group_name=name if group_size > 1 else None,
            consent_at=datetime(2031, 5, 1, tzinfo=UTC),
        )
        attendee = Attendee(registration=registration, name=name, group_size=group_size)
        if events is None:
            events = [make_event(edition=edition, venue=venue, title="Premiers pas en polonais")]
        for event in events:
            waiting = event in waitlisted
            attendee.bookings.append(
                Booking(
                    event=event,
                    seats=group_size,
                    status="waitlisted" if waiting else "confirmed",
                    waitlist_position=1 if waiting else None,
                )
            )
        db.session.add(registration)
        db.session.flush()
        ticket = issue_ticket(attendee, edition.id, datetime(2031, 5, 1, tzinfo=UTC))
        db.session.commit()
        return ticket

    return make


@pytest.fixture
def later(edition):
    """A second day's evening item, for pages with several bookings."""
    return datetime.combine(edition.starts_on + timedelta(days=1), datetime.min.time(), UTC) + (
        timedelta(hours=17)
    )


@pytest.fixture
def pdf_text():
    return pdf_pages_text


@pytest.fixture
def page_chars():
    return first_page_chars


@pytest.fixture
def read_qr():
    return qr_codes_in_pdf


def pdf_pages_text(data: bytes) -> list[str]:
    """Extract each page's text with pdfium."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    texts = []
    for page in document:
        textpage = page.get_textpage()
        texts.append(" ".join(textpage.get_text_range().split()))
        textpage.close()
        page.close()
    document.close()
    return texts


def first_page_chars(data: bytes) -> tuple[list[tuple[str, tuple]], float]:
    """The first page's characters with their boxes (left, bottom, right, top), and its width."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    page = document[0]
    text = page.get_textpage()
    chars = [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())]
    width = page.get_width()
    text.close()
    page.close()
    document.close()
    return chars, width


def qr_codes_in_pdf(data: bytes, dpi: int = 150) -> list[list[str]]:
    """Render each page at ``dpi`` and read its QR codes back with zxing-cpp."""
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(data)
    found = []
    for page in document:
        bitmap = page.render(scale=dpi / 72)
        found.append([r.text for r in zxingcpp.read_barcodes(bitmap.to_pil())])
        bitmap.close()
        page.close()
    document.close()
    return found
