def test_register_one_person(register, make_event):
    event = make_event(capacity=2)
    r = register([event.id], people=("Ana", "Bo"))
    assert [b.status for a in r.attendees for b in a.bookings] == ["confirmed", "confirmed"]
    r2 = register([event.id])
    assert r2.attendees[0].bookings[0].waitlist_position == 1


def test_api(client, make_event):
    from festival.extensions import db

    event = make_event(capacity=2)
    db.session.commit()
    res = client.post(
        "/api/v1/registrations",
        json={
            "contact": {"name": "Ana", "email": "ana@example.org"},
            "locale": "en",
            "attendees": [{"name": "Ana"}],
            "bookings": [event.id],
            "consent": True,
        },
    )
    assert res.status_code == 201, res.json
    print(res.json)


def test_pages_render(client, register, make_event):
    event = make_event(capacity=2)
    r = register([event.id])
    for lang in ("fr", "en", "ar"):
        assert client.get(f"/{lang}/inscription?event={event.id}").status_code == 200
        assert client.get(f"/{lang}/inscription/gerer/{r.manage_token}").status_code == 200
        assert client.get(f"/{lang}/inscription/confirmation/{r.manage_token}").status_code == 200
