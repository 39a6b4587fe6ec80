"""What the offline pack gives a scanner so that its local verdict matches check_in's."""

from festival.checkin.lookups import offline_pack
from tests.checkin.conftest import fest, make_ticket, scan  # noqa: F401 (fixtures)


def test_item_door_pack_gives_the_items_local_day(fest, now):  # noqa: F811
    pack = offline_pack(fest.door, now)
    # The item starts at 10:00 Paris time on the edition's first day: wrong_day elsewhere.
    assert pack["checkpoint"]["event_day"] == fest.edition.starts_on.isoformat()
    assert "event_day" not in offline_pack(fest.entrance, now)["checkpoint"]


def test_item_door_pack_lists_unbooked_tickets_without_names(fest, make_ticket, now):  # noqa: F811
    booked, _ = make_ticket(event_ids=[fest.event.id], name="Ana Booked")
    other, _ = make_ticket(name="Zofia Elsewhere")
    pack = offline_pack(fest.door, now)
    assert [t["ticket_id"] for t in pack["tickets"]] == [booked.id]
    assert pack["unbooked"] == [
        {"ticket_id": other.id, "version": other.version, "short_code": other.short_code}
    ]
    assert "Zofia" not in str(pack)
    # At an entrance every ticket is in the pack already.
    assert offline_pack(fest.entrance, now)["unbooked"] == []


def test_pack_admissions_say_whether_the_visitor_is_inside(fest, make_ticket, scan, now):  # noqa: F811
    ticket, code = make_ticket()
    assert scan(code).result == "ok"
    assert offline_pack(fest.entrance, now)["admissions"][0]["is_inside"] is True
    assert scan(code, direction="out").result == "ok"
    admission = offline_pack(fest.entrance, now)["admissions"][0]
    assert admission["ticket_id"] == ticket.id and admission["is_inside"] is False
