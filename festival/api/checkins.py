"""API routes for door check-in (see DESIGN.md §4 and the contract in TEAM.md)."""

from flask import current_app, jsonify, request
from limits import parse as parse_limit

from festival.accounts.api_auth import authenticate_api
from festival.api import bp
from festival.api.checkins_openapi import OPENAPI_PATHS, OPENAPI_SCHEMAS  # noqa: F401
from festival.checkin import lookups, scan_input
from festival.checkin.services import check_in
from festival.checkin.undo import undo_scan
from festival.checkin.walkins import record_walk_in
from festival.db import utcnow
from festival.errors import DomainError, ValidationError
from festival.extensions import db, limiter
from festival.programme.models import current_edition_query
from festival.tickets.codes import looks_like_code

# A typed short code is guessable, unlike a signed code: a volunteer gets this many a minute.
SHORT_CODE_LIMIT = parse_limit("30/minute")
MAX_BATCH = 500

# The door endpoints take a volunteer's login (Bearer token or session) and carry no route
# limit, yet Flask-Limiter's per-request bookkeeping (resolving limits, headers) cost 10-15 %
# of a scan's throughput: exempting them took bench/checkin.py x8 on SQLite, quiet machine,
# from 575-651 to 667-727/s (8430bfa). An exempt route still paid ~4 % for its exemption, so
# the limiter now skips them outright (extensions.SkippingLimiter). The one guessable input, a
# typed short code, keeps its own per-volunteer limit below.
limiter.skipped.update({"api.checkin", "api.checkin_batch"})


def _short_code_allowed(data, user) -> bool:
    code = data.get("code") if isinstance(data, dict) else None
    if not isinstance(code, str) or looks_like_code(code):
        return False
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    if limiter.limiter.hit(SHORT_CODE_LIMIT, "short-code", str(user.id)):
        return True
    raise DomainError(scan_input.SHORT_CODE_RATE_LIMITED, code="rate_limited", status=429)


def _one_scan(data, user, now, devices) -> dict:
    allow = _short_code_allowed(data, user)
    return check_in(scan_input.scan_request(data, user, now, devices, allow), now).to_dict()


@bp.post("/checkins")
def checkin():
    """Decide one scan (QR code or short code); a repeated nonce replays the first answer."""
    user = authenticate_api()
    now = utcnow()
    body = _one_scan(request.get_json(silent=True), user, now, {})
    db.session.commit()
    return jsonify(body)


@bp.post("/checkins/batch")
def checkin_batch():
    """Decide many scans (offline sync) in order; a broken entry gets its own error."""
    user = authenticate_api()
    data = request.get_json(silent=True)
    scans = data.get("scans") if isinstance(data, dict) else None
    if not isinstance(scans, list) or len(scans) > MAX_BATCH:
        raise ValidationError(field="scans")
    now, devices, results = utcnow(), {}, []
    for entry in scans:
        savepoint = db.session.begin_nested()
        try:
            results.append(_one_scan(entry, user, now, devices))
            savepoint.commit()
        except DomainError as error:
            savepoint.rollback()
            devices.clear()  # an upsert may have been rolled back with the savepoint
            results.append({"result": "error", "error": error.to_dict()})
    db.session.commit()
    return jsonify({"results": results})


@bp.post("/checkins/undo")
def checkin_undo():
    """Undo a scan of the last few minutes."""
    user = authenticate_api()
    data = request.get_json(silent=True)
    nonce = scan_input.nonce_of(data if isinstance(data, dict) else {})
    scan = undo_scan(nonce, user, utcnow(), current_app.config["UNDO_MINUTES"])
    db.session.commit()
    return jsonify({"undone": True, "scan_id": scan.id, "undone_at": scan.undone_at.isoformat()})


@bp.get("/checkpoints")
def checkpoints():
    """The doors of the current edition."""
    authenticate_api()
    return jsonify({"checkpoints": lookups.list_checkpoints()})


@bp.get("/attendees/search")
def attendees_search():
    """Find ticket holders by name: names, head counts, short codes, bookings; no contacts."""
    authenticate_api()
    checkpoint_id = request.args.get("checkpoint_id", type=int)
    if checkpoint_id:
        edition_id = lookups.get_checkpoint(checkpoint_id).edition_id
    else:
        edition = db.session.scalar(current_edition_query())
        edition_id = edition.id if edition else 0
    return jsonify({"attendees": lookups.search_attendees(request.args.get("q", ""), edition_id)})


@bp.post("/walk-ins")
def walk_ins():
    """Count a visitor without a ticket ("+1"), or register one at the door."""
    user = authenticate_api()
    now = utcnow()
    body = record_walk_in(scan_input.walk_in_request(request.get_json(silent=True), user, now), now)
    db.session.commit()
    return jsonify(body)


@bp.get("/offline-pack")
def offline_pack():
    """Everything a scanner needs to decide at one checkpoint without the network."""
    authenticate_api()
    checkpoint = lookups.get_checkpoint(request.args.get("checkpoint_id", type=int))
    return jsonify(lookups.offline_pack(checkpoint, utcnow()))
