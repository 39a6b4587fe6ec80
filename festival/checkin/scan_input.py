"""Read the JSON a scanner sends into service requests; anything malformed is a 400, never a 500."""

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l

from festival.checkin.cache import device_id as cached_device_id
from festival.checkin.devices import device_for
from festival.checkin.services import ScanRequest
from festival.checkin.walkins import WalkInRequest
from festival.errors import ValidationError

NONCE = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
DEVICE_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
MAX_CODE_LENGTH = 200
SHORT_CODE_RATE_LIMITED = _l("Trop de codes tapés : attendez une minute avant de réessayer.")


def _int(data: dict, key: str, message) -> int:
    value = data.get(key)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
        raise ValidationError(message, field=key)
    return value


def nonce_of(data: dict) -> str:
    nonce = data.get("nonce")
    if not isinstance(nonce, str) or not NONCE.match(nonce):
        raise ValidationError(
            _l("Identifiant de passage (nonce) manquant ou mal formé."), field="nonce"
        )
    return nonce


def _object(data) -> dict:
    if not isinstance(data, dict):
        raise ValidationError(_l("Un objet JSON est attendu."))
    return data


def device_id_for(data: dict, user, now: datetime, cache: dict) -> int | None:
    """Upsert the phone named in ``data["device"]`` (once per request), give its row id."""
    device = data.get("device")
    if device is None:
        return None
    if (
        not isinstance(device, dict)
        or not isinstance(device.get("id"), str)
        or not DEVICE_ID.match(device["id"])
    ):
        raise ValidationError(_l("Appareil mal décrit."), field="device")
    name = device.get("name") or ""
    if not isinstance(name, str):
        raise ValidationError(_l("Appareil mal décrit."), field="device")
    return cached_device_id(device["id"], lambda: device_for(device["id"], name[:80], user.id, now))


def _scanned_at(data: dict) -> datetime | None:
    value = data.get("scanned_at")
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValidationError(
            _l("Heure de passage non valable (ISO 8601 avec fuseau)."), field="scanned_at"
        )
    return moment


def scan_request(data, user, now: datetime, devices: dict, allow_short_code: bool) -> ScanRequest:
    """Validate one scan of the API.

    :raises: validation_error
    """
    data = _object(data)
    code = data.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > MAX_CODE_LENGTH:
        raise ValidationError(_l("Code manquant ou trop long."), field="code")
    direction = data.get("direction", "in")
    if direction not in ("in", "out"):
        raise ValidationError(_l("Le sens doit être « in » ou « out »."), field="direction")
    offline = data.get("offline", False)
    if not isinstance(offline, bool):
        raise ValidationError(_l("« offline » doit valoir true ou false."), field="offline")
    checkpoint_id = _int(data, "checkpoint_id", _l("Point de contrôle manquant."))
    nonce, scanned_at = nonce_of(data), _scanned_at(data)
    return ScanRequest(
        code=code,
        checkpoint_id=checkpoint_id,
        nonce=nonce,
        user_id=user.id,
        # Last: nothing may fail after the upsert (a batch savepoint would undo a cached row).
        device_id=device_id_for(data, user, now, devices),
        direction=direction,
        offline=offline,
        scanned_at=scanned_at,
        allow_short_code=allow_short_code,
    )


def walk_in_request(data, user, now: datetime) -> WalkInRequest:
    """Validate a walk-in.

    :raises: validation_error
    """
    data = _object(data)
    people = data.get("people", 1)
    if not isinstance(people, int) or isinstance(people, bool):
        raise ValidationError(_l("Le nombre de personnes doit aller de 1 à 60."), field="people")
    texts = {}
    for key, limit in (("name", 120), ("postal_code", 10)):
        value = data.get(key) or ""
        if not isinstance(value, str) or len(value.strip()) > limit:
            raise ValidationError(_l("Champ trop long ou mal formé."), field=key)
        texts[key] = value.strip()
    return WalkInRequest(
        checkpoint_id=_int(data, "checkpoint_id", _l("Point de contrôle manquant.")),
        nonce=nonce_of(data),
        people=people,
        user_id=user.id,
        device_id=device_id_for(data, user, now, {}),
        **texts,
    )
