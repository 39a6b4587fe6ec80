"""Ticket PDFs: the QR reads back, the page speaks the attendee's language."""

from festival.tickets.pdf import direction_of, render_tickets_pdf
from festival.tickets.qr import qr_matrix
from festival.tickets.services import code_for, group_short_code


def test_the_qr_in_the_pdf_reads_back_as_the_issued_code(make_ticket, read_qr, pdf_text):
    ticket = make_ticket(name="Zofia Nowak")
    data = render_tickets_pdf([ticket], "fr")
    code = code_for(ticket)
    assert read_qr(data) == [[code]]
    assert qr_matrix(code).version <= 6
    text = pdf_text(data)[0]
    assert "Zofia Nowak" in text
    assert group_short_code(ticket.short_code) in text
    assert "Premiers pas en polonais" in text
    assert "imprimé ou sur l'écran" in text
    assert "1 rue du Festival, 62110 Hénin-Beaumont" in text
    assert "samedi 17 mai 2031" in text and "10:00" in text  # 08:00 UTC, Paris summer time


def test_one_page_per_ticket_each_with_its_own_qr(make_ticket, read_qr, pdf_text):
    tickets = [make_ticket(name=f"Personne {n}") for n in range(3)]
    data = render_tickets_pdf(tickets, "fr")
    assert read_qr(data) == [[code_for(t)] for t in tickets]
    texts = pdf_text(data)
    assert [f"Personne {n}" in text for n, text in enumerate(texts)] == [True] * 3
    # The venues, the same for every ticket, are printed once, after the last ticket.
    address = "1 rue du Festival, 62110 Hénin-Beaumont"
    assert [address in text for text in texts] == [False, False, True]


def test_an_english_page(make_ticket, pdf_text):
    ticket = make_ticket(name="Jane Doe", locale="en")
    text = pdf_text(render_tickets_pdf([ticket], "en"))[0]
    assert "Jane Doe" in text
    assert "Show this ticket at the entrance, printed or on your phone screen." in text
    assert "Saturday, May 17, 2031" in text
    assert "Lift on the left of the reception." in text  # the venue's English notes


def test_an_arabic_page_right_to_left(make_ticket, read_qr, pdf_text):
    ticket = make_ticket(name="فاطمة الزهراء", locale="ar")
    data = render_tickets_pdf([ticket], "ar")
    text = pdf_text(data)[0]
    assert "فاطمة" in text
    assert "التذكرة" in text or "تذكرة" in text
    assert "السبت" in text  # Saturday, formatted by CLDR for Arabic
    assert read_qr(data) == [[code_for(ticket)]]


def test_a_name_written_the_other_way_stays_on_the_pages_start_side(make_ticket, page_chars):
    """Such a name gets its direction on its own line, not on a <bdi>: aligned all the same."""

    def name_span(data: bytes, name: str) -> tuple[float, float, float]:
        chars, width = page_chars(data)
        start = "".join(char for char, _ in chars).index(name)
        boxes = [box for _, box in chars[start : start + len(name)]]
        return min(b[0] for b in boxes), max(b[2] for b in boxes), width

    left, right, width = name_span(render_tickets_pdf([make_ticket("Zofia Nowak")], "ar"), "Zofia")
    assert left > width / 2  # on the right of an Arabic page
    arabic = "فاطمة الزهراء"
    left, right, width = name_span(render_tickets_pdf([make_ticket(arabic)], "fr"), "فاطمة")
    assert right < width / 2  # on the left of a French page


def test_a_latin_venue_and_room_keep_the_arabic_pages_order(
    make_ticket, make_event, edition, venue, page_chars
):
    """Each is isolated: the venue, first, on the right; without isolation the two Latin values
    and the dot between them would make one left-to-right run, the venue on the left."""
    event = make_event(edition=edition, venue=venue, title="Karaoké", room="Salle 2")
    data = render_tickets_pdf([make_ticket("فاطمة", locale="ar", events=[event])], "ar")
    chars, _ = page_chars(data)
    content = "".join(char for char, _ in chars)
    room = chars[content.index("Salle 2")][1]
    place = chars[content.index("L'Escapade")][1]  # the booking's line comes first
    assert abs(room[1] - place[1]) < 2  # one line
    assert room[0] < place[0]


def test_a_french_note_on_an_arabic_page_ends_with_its_full_stop(make_ticket, venue, page_chars):
    """The venue's note has no Arabic text yet, so it is printed in French: isolated, its full
    stop stays after "accueil" instead of jumping to the other end of the run."""
    chars, _ = page_chars(render_tickets_pdf([make_ticket("فاطمة", locale="ar")], "ar"))
    content = "".join(char for char, _ in chars)
    last_letter = chars[content.index("accueil") + len("accueil") - 1][1]
    same_line = [box for char, box in chars if char == "." and abs(box[1] - last_letter[1]) < 2]
    assert any(0 <= box[0] - last_letter[2] < 4 for box in same_line)


def test_a_group_page_shows_its_head_count_and_waitlisted_items(
    make_ticket, make_event, edition, venue, pdf_text
):
    course = make_event(edition=edition, venue=venue, title="Karaoké", room="Salle 2")
    ticket = make_ticket(name="CM2 Jean Macé", group_size=24, events=[course], waitlisted=[course])
    text = pdf_text(render_tickets_pdf([ticket], "fr"))[0]
    assert "Groupe de 24 personnes" in text
    assert "liste d'attente" in text
    assert "Salle 2" in text


def test_direction_follows_the_first_strong_character():
    assert direction_of("1 rue du Festival") == "ltr"
    assert direction_of("12 شارع") == "rtl"
    assert direction_of("123") == "ltr"


def test_the_worker_warm_up_renders_once_per_process(app, monkeypatch):
    from festival import warmup
    from festival.tickets import pdf

    renders, freezes = [], []
    monkeypatch.setattr(pdf, "_warmed", False)
    monkeypatch.setattr(pdf, "render_pages", lambda pages, locale: renders.append(locale))
    monkeypatch.setattr(warmup.gc, "freeze", lambda: freezes.append(True))
    warmup.warm_up(app)  # what gunicorn's post_worker_init calls
    warmup.warm_up(app)
    assert renders == ["fr", "ar"]
    assert freezes  # the worker's start-up heap is kept out of the collector's walks


def test_a_ticket_with_three_bookings_fits_one_page_in_arabic(
    make_ticket, make_event, edition, venue, pdf_text
):
    notes = "Coussins et chaises. Espace au rez-de-chaussée, ascenseur pour l'étage. " * 2
    events = [
        make_event(
            edition=edition,
            venue=venue,
            title=f"Les langues de l'immigration dans le bassin minier {n}",
            room="Salle de conférence",
            is_lsf_interpreted=True,
            is_easy_read=True,
            accessibility_notes_fr=notes,
        )
        for n in range(3)
    ]
    ticket = make_ticket(name="فاطمة الزهراء بنعلي", locale="ar", events=events)
    assert len(pdf_text(render_tickets_pdf([ticket], "ar"))) == 1


def test_ticket_pages_are_parsed_as_xml_not_as_html5(
    make_ticket, make_event, edition, venue, monkeypatch, pdf_text
):
    """The template writes well-formed XML for the fast parser (expat); HTML5 would be slow."""
    from festival.tickets import renderer

    def no_html5_parsing(*args, **kwargs):
        raise AssertionError("the ticket markup is not well-formed XML")

    monkeypatch.setattr(renderer.tinyhtml5, "parse", no_html5_parsing)
    course = make_event(edition=edition, venue=venue, title="Karaoké", room="Salle 2")
    ticket = make_ticket(name="CM2 Jean Macé", group_size=24, events=[course], waitlisted=[course])
    for locale in ("fr", "ar"):
        assert "Jean Macé" in pdf_text(render_tickets_pdf([ticket], locale))[0]


def test_a_value_expat_refuses_still_renders(make_ticket, pdf_text):
    """A control character is no XML: the page is then parsed as HTML5."""
    text = pdf_text(render_tickets_pdf([make_ticket(name="Zofia\x0bNowak")], "fr"))[0]
    assert "Zofia" in text and "Nowak" in text


def test_the_lean_user_agent_sheet_drops_only_the_unused_pseudo_element_and_page_area_rules():
    """A WeasyPrint upgrade that renames these rules shows here, not as a slow page."""
    import re

    from festival.tickets.renderer import lean_user_agent_css

    text, removed = lean_user_agent_css()
    assert removed == 6 + 18  # pseudo-elements; 16 margin boxes, @footnote and @note-area
    assert "::marker" not in text and "::footnote-call" not in text
    assert "@top-left" not in text and "@bottom-right-corner" not in text
    assert "@footnote" not in text and "@note-area" not in text
    assert re.search(r"@page \{\s*margin: 75px;\s*\}", text)  # the page rule itself is kept
    assert "html { color-scheme: light }" in text  # the rest is kept
