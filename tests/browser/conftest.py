"""Browser tests: the real app served from a thread, Debian's Chromium with a fake camera."""

import os
import shutil
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import qrcode
from werkzeug.serving import make_server

from festival import create_app
from festival.extensions import db

CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT = 640, 480
BASE_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]


def write_y4m(path: Path, luma: bytes) -> Path:
    """Write one grey 4:2:0 frame (Chromium loops the file)."""
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F30:1 Ip A1:1 C420jpeg\n".encode()
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2))
    path.write_bytes(header + b"FRAME\n" + luma + chroma + chroma)
    return path


def qr_luma(text: str) -> bytes:
    """Draw ``text`` as a QR (level M, quiet zone) centred on a white 640×480 frame."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    scale = (HEIGHT - 40) // len(matrix)
    size = scale * len(matrix)
    top, left = (HEIGHT - size) // 2, (WIDTH - size) // 2
    frame = bytearray(b"\xff" * (WIDTH * HEIGHT))
    for y in range(size):
        row = matrix[y // scale]
        offset = (top + y) * WIDTH + left
        for x in range(size):
            if row[x // scale]:
                frame[offset + x] = 0
    return bytes(frame)


@pytest.fixture(scope="module")
def playwright_driver():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        reason = f"{CHROMIUM} is missing (apt-get install chromium): browser tests not run"
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI must run them)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


class LiveServer:
    """The real app on 127.0.0.1 (a secure context: camera and WebCrypto work)."""

    def __init__(self, tmp_path: Path):
        self.app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": f"sqlite:///{tmp_path / 'browser.sqlite3'}",
                "SECRET_KEY": "browser-test-secret-key-long-enough",
                "INSTANCE_PATH": str(tmp_path / "instance"),
                "RATELIMIT_ENABLED": False,
                "PUBLIC_BASE_URL": "http://127.0.0.1",
            }
        )
        with self.app.app_context():
            db.create_all()
            self._seed()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _seed(self) -> None:
        from festival.accounts.services import create_user
        from festival.checkin.checkpoints import ensure_checkpoints
        from festival.checkin.models import CheckpointKind
        from festival.programme.models import Edition, Event, Venue
        from festival.registration.models import Attendee, Registration
        from festival.tickets.services import code_for, issue_ticket

        now = datetime.now(UTC)
        today = now.astimezone(ZoneInfo("Europe/Paris")).date()
        edition = Edition(
            slug="browser", name="Meltingpotch", starts_on=today, ends_on=today + timedelta(days=1)
        )
        venue = Venue(slug="escapade", name="L'Escapade", city="Hénin-Beaumont")
        start = now.replace(minute=0, second=0, microsecond=0)
        event = Event(
            edition=edition,
            venue=venue,
            slug="polonais",
            kind="mini_course",
            title="Premiers pas en polonais",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            capacity=15,
            booking_required=True,
        )
        db.session.add_all([edition, venue, event])
        db.session.flush()
        registration = Registration(
            edition_id=edition.id,
            contact_name="Amina Benali",
            contact_email="amina@example.org",
            manage_token="t" * 40,
        )
        attendee = Attendee(registration=registration, name="Amina Benali")
        db.session.add_all([registration, attendee])
        db.session.flush()
        checkpoints = ensure_checkpoints(edition.id)
        self.entrance_id = next(c.id for c in checkpoints if c.kind == CheckpointKind.VENUE)
        ticket = issue_ticket(attendee, edition.id, now)
        self.ticket_id, self.code, self.short_code = ticket.id, code_for(ticket), ticket.short_code
        user = create_user("benevole@example.org", "volunteer", "correct horse battery", now)
        db.session.commit()
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        self.session_cookie = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})

    def sign_in(self, context) -> None:
        """Give the browser a signed-in volunteer's session cookie."""
        name = self.app.config["SESSION_COOKIE_NAME"]
        context.add_cookies([{"name": name, "value": self.session_cookie, "url": self.url}])

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join()
        with self.app.app_context():
            db.engine.dispose()


@pytest.fixture
def live_server(tmp_path):
    server = LiveServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def launch_with_clip(playwright_driver, tmp_path_factory):
    """Start one Chromium per fake-camera clip (the clip is a launch flag)."""
    browsers = {}

    def launch(name: str, luma: bytes):
        if name not in browsers:
            clip = write_y4m(tmp_path_factory.mktemp("clips") / f"{name}.y4m", luma)
            browsers[name] = playwright_driver.chromium.launch(
                executable_path=CHROMIUM,
                args=[*BASE_ARGS, f"--use-file-for-fake-video-capture={clip}"],
            )
        return browsers[name]

    yield launch
    for browser in browsers.values():
        browser.close()


@pytest.fixture
def blank_browser(launch_with_clip):
    return launch_with_clip("blank", b"\xff" * (WIDTH * HEIGHT))


def open_scanner(browser, server: LiveServer, locale: str = "fr-FR", init_script: str = ""):
    """Open /scan signed in, camera allowed, and wait until the page is ready."""
    from playwright.sync_api import expect

    context = browser.new_context(permissions=["camera"], locale=locale)
    if init_script:
        context.add_init_script(init_script)
    server.sign_in(context)
    page = context.new_page()
    page.on("console", lambda m: print("CONSOLE", m.type, m.text))
    page.on("pageerror", lambda e: print("PAGEERROR", e))
    page.goto(server.url + "/scan")
    expect(page.locator("#scanner")).to_have_attribute("data-ready", "true", timeout=15000)
    return context, page
