"""Venues and languages edited by organisers."""

from festival.extensions import db
from festival.programme.models import Language, Venue


def test_create_and_edit_a_venue(organiser, client):
    form = {"slug": "mediatheque", "name": "Médiathèque", "postal_code": "62110", "capacity": "80"}
    assert client.post("/organisateur/lieux/nouveau", data=form).status_code == 302
    venue = db.session.scalar(db.select(Venue).where(Venue.slug == "mediatheque"))
    assert venue.capacity == 80
    form.update(name="Médiathèque Nelson-Mandela", capacity="")
    assert client.post(f"/organisateur/lieux/{venue.id}", data=form).status_code == 302
    db.session.refresh(venue)
    assert (venue.name, venue.capacity) == ("Médiathèque Nelson-Mandela", None)
    bad = client.post("/organisateur/lieux/nouveau", data={**form, "slug": "Pas Bon!"})
    assert bad.status_code == 400


def test_create_a_language_and_refuse_a_bad_code(organiser, client):
    form = {
        "code": "ber",
        "native_name": "ⵜⴰⵎⴰⵣⵉⵖⵜ",
        "name_fr": "Tamazight",
        "name_en": "Tamazight",
        "direction": "ltr",
    }
    assert client.post("/organisateur/langues/nouvelle", data=form).status_code == 302
    assert db.session.get(Language, "ber").native_name == "ⵜⴰⵎⴰⵣⵉⵖⵜ"
    again = client.post("/organisateur/langues/nouvelle", data=form)
    assert again.status_code == 400 and "existe déjà" in again.get_data(as_text=True)
    bad = client.post("/organisateur/langues/nouvelle", data={**form, "code": "<x>"})
    assert bad.status_code == 400
    edit = client.post("/organisateur/langues/ber", data={**form, "name_en": "Berber"})
    assert edit.status_code == 302
    assert db.session.get(Language, "ber").name_en == "Berber"
