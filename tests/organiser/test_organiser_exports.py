"""CSV exports: RFC 4180, UTF-8 with BOM, formulas neutralised, every export logged."""

import csv
import io

import pytest
from sqlalchemy import select

from festival.extensions import db
from festival.organiser.exports import neutralise
from festival.organiser.models import ExportLog


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6", "'+33 6"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Ana", "Ana"),
        (None, ""),
        (5, "5"),
    ],
)
def test_cells_that_a_spreadsheet_would_evaluate_are_neutralised(cell, expected):
    assert neutralise(cell) == expected


def test_a_formula_name_is_read_back_as_text_and_the_export_is_logged(festival, organiser, client):
    evil = '=HYPERLINK("http://evil.test","Clique, "" ici")'
    festival.register(evil, "@evil@example.org", "62110", [festival.bookable[0]])
    festival.register("Zoé Ça-va", "zoe@example.org", "62110", [festival.bookable[0]])
    db.session.commit()
    response = client.post("/organisateur/exports/attendees.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    names = [row[1] for row in rows[1:]]
    assert "'" + evil in names
    assert "Zoé Ça-va" in names
    assert all(
        not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows[1:] for cell in row
    )
    log = db.session.scalars(select(ExportLog)).all()
    assert [(e.user_id, e.what) for e in log] == [
        (organiser.id, f"csv:attendees:edition={festival.edition.id}")
    ]


@pytest.mark.parametrize("kind", ["bookings", "checkins"])
def test_other_exports_have_a_header_and_rows(seeded, organiser, client, kind):
    raw = client.post(f"/organisateur/exports/{kind}.csv").get_data()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) > 1


def test_an_unknown_export_is_a_404(festival, organiser, client):
    assert client.post("/organisateur/exports/passwords.csv").status_code == 404


def test_the_door_list_is_a_pdf_and_is_logged(seeded, organiser, client):
    event = seeded.bookable[0]
    response = client.post(f"/organisateur/programme/{event.id}/liste-de-porte.pdf")
    assert response.status_code == 200
    assert response.get_data().startswith(b"%PDF")
    assert db.session.scalar(select(ExportLog.what)) == f"pdf:door-list:event={event.id}"
