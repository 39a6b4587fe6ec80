"""Programme admin: items, capacity decisions, cancellation emails, CSV import."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from festival.errors import ConflictError, ValidationError
from festival.extensions import db
from festival.mail.models import OutboxMessage
from festival.organiser.programme_admin import EventInput, cancel_event, save_event
from festival.organiser.programme_import import import_programme
from festival.programme.models import Event
from festival.registration.inputs import RegistrationInput
from festival.registration.services import register

NOW = datetime(2031, 5, 1, 10, 0, tzinfo=UTC)


def _input(event, **changes):
    values = dict(
        slug=event.slug,
        kind=event.kind,
        title=event.title,
        venue_id=event.venue_id,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        capacity=event.capacity,
        booking_required=event.booking_required,
        languages=[lang.code for lang in event.languages],
    )
    values.update(changes)
    return EventInput(**values)


def _sign_up(event, name, n=1):
    reg = register(
        RegistrationInput(
            contact_name=name,
            contact_email=f"{n}-{name[:3]}@ex.org",
            event_ids=[event.id],
            consent=True,
            attendees=[f"{name} {i}" for i in range(n)],
        ),
        NOW,
    )
    db.session.commit()
    return reg


@pytest.fixture
def small(make_event):
    event = make_event(capacity=2, booking_required=True)
    db.session.commit()
    return event


def test_dates_outside_the_edition_are_refused(small):
    with pytest.raises(ValidationError, match="édition"):
        save_event(
            small.edition,
            _input(
                small,
                starts_at=datetime(2031, 5, 20, 8, tzinfo=UTC),
                ends_at=datetime(2031, 5, 20, 9, tzinfo=UTC),
            ),
            NOW,
            small,
        )


def test_lowering_under_seats_taken_needs_a_decision_and_keeps_bookings(small):
    _sign_up(small, "Ana", 2)
    with pytest.raises(ConflictError) as error:
        save_event(small.edition, _input(small, capacity=1), NOW, small)
    assert error.value.code == "capacity_below_seats_taken"
    save_event(small.edition, _input(small, capacity=1), NOW, small, lower_confirmed=True)
    assert (small.capacity, small.seats_taken) == (2, 2)


def test_raising_capacity_promotes_the_waiting_list(small):
    _sign_up(small, "Ana", 2)
    waiting = _sign_up(small, "Bob", 1)
    assert waiting.attendees[0].bookings[0].status == "waitlisted"
    save_event(small.edition, _input(small, capacity=3), NOW, small)
    db.session.commit()
    db.session.refresh(waiting.attendees[0].bookings[0])
    assert waiting.attendees[0].bookings[0].status == "confirmed"
    assert small.seats_taken == 3


def test_cancelling_an_item_emails_each_registration_once(small, organiser, client):
    _sign_up(small, "Ana", 2)
    _sign_up(small, "Bob", 1)
    response = client.post(f"/organisateur/programme/{small.id}/annuler")
    assert response.status_code == 302
    kinds = db.session.scalars(select(OutboxMessage.kind)).all()
    assert kinds.count("event_cancelled") == 2
    assert db.session.get(Event, small.id).status == "cancelled"
    with pytest.raises(ConflictError):
        cancel_event(db.session.get(Event, small.id), NOW)


CSV_HEAD = "slug,kind,title,venue,starts_at,ends_at,capacity,booking_required,languages,title_en\n"


def test_a_valid_csv_imports_every_line(small):
    venue = small.venue.slug
    data = (
        CSV_HEAD
        + f"quiz,animation,Quiz des langues,{venue},2031-05-17 14:00,2031-05-17 15:00,,,pl,Quiz\n"
        + f"pl-2,mini_course,Polonais 2,{venue},2031-05-18 10:00,2031-05-18 10:30,15,oui,pl,\n"
    )
    assert import_programme(small.edition, data.encode("utf-8-sig"), NOW) == 2
    quiz = db.session.scalar(select(Event).where(Event.slug == "quiz"))
    assert quiz.starts_at == datetime(2031, 5, 17, 12, 0, tzinfo=UTC)
    assert quiz.text("en")[0] == "Quiz"


def test_one_bad_line_imports_nothing_and_names_every_bad_line(small, organiser, client):
    venue = small.venue.slug
    data = (
        CSV_HEAD
        + f"ok,talk,Bien,{venue},2031-05-17 14:00,2031-05-17 15:00,,,pl,\n"
        + f"late,talk,Trop tard,{venue},2031-06-01 14:00,2031-06-01 15:00,,,pl,\n"
        + f"nope,talk,Lieu,{'nulle-part'},2031-05-17 14:00,2031-05-17 15:00,,,pl,\n"
        + f"cap,talk,Jauge,{venue},2031-05-17 14:00,2031-05-17 15:00,-3,,pl,\n"
        + "=cmd,talk\n"
    )
    count = db.session.scalar(select(func.count()).select_from(Event))
    import io

    response = client.post(
        "/organisateur/programme/import", data={"file": (io.BytesIO(data.encode()), "p.csv")}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for line in ("<td>3</td>", "<td>4</td>", "<td>5</td>", "<td>6</td>"):
        assert line in html
    assert "<td>2</td>" not in html
    assert db.session.scalar(select(func.count()).select_from(Event)) == count


@pytest.mark.parametrize("data", [b"\xff\xfe\x00garbage", b"", b"a,b\n1,2\n"])
def test_malformed_files_are_refused_clearly(small, data):
    with pytest.raises(ValidationError):
        import_programme(small.edition, data, NOW)


def test_the_edit_form_saves_and_refuses_with_a_message(small, organiser, client):
    url = f"/organisateur/programme/{small.id}"
    assert client.get(url).status_code == 200
    form = {
        "title": "Polonais",
        "slug": small.slug,
        "kind": "mini_course",
        "venue_id": small.venue_id,
        "starts_at": "2031-05-17T10:00",
        "ends_at": "2031-05-17T09:00",
        "capacity": "4",
        "languages": "pl",
    }
    response = client.post(url, data=form)
    assert response.status_code == 400
    assert "après le début" in response.get_data(as_text=True)
    form["ends_at"] = "2031-05-17T11:00"
    assert client.post(url, data=form).status_code == 302
    assert db.session.get(Event, small.id).capacity == 4
