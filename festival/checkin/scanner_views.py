"""The volunteers' scanner page (/scan), its web app manifest and its service worker."""

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, current_app, g, render_template, request, url_for

from festival.accounts.access import volunteer_required

bp = Blueprint("scanner", __name__, url_prefix="/scan")

# Everything the page needs offline; the service worker precaches these on install.
STATIC_ASSETS = (
    "css/base.css",
    "css/scanner.css",
    "js/scanner/codes.js",
    "js/scanner/store.js",
    "js/scanner/offline.js",
    "js/scanner/ui.js",
    "js/scanner/scanner.js",
    "vendor/zxing-wasm/zxing-reader.iife.js",
    "vendor/zxing-wasm/zxing_reader.wasm",
    "vendor/idb/idb.umd.js",
    "vendor/noble-ed25519/ed25519.js",
    # Drawn by scripts/scanner_icons.py; the manifest names them for installation.
    "icons/scanner.svg",
    "icons/scanner-192.png",
    "icons/scanner-512.png",
    "icons/scanner-maskable-512.png",
)


@cache
def _assets_version(static_folder: str) -> str:
    """Hash the cached files, so that a new release replaces the old offline copy."""
    digest = hashlib.sha256()
    for name in STATIC_ASSETS:
        digest.update((Path(static_folder) / name).read_bytes())
    return digest.hexdigest()[:16]


@bp.before_request
def pick_language():
    """Let the volunteer force a language with ?lang= (the page is not under /<lang>)."""
    lang = request.args.get("lang")
    if lang in current_app.config["LOCALES"]:
        g.lang = lang


@bp.get("")
@volunteer_required
def scan():
    """Show the scanner: camera, typed code, name search, walk-ins."""
    return render_template("checkin/scanner/scan.html")


@bp.get("/manifest.webmanifest")
def manifest():
    """Describe the scanner as an installable web app."""
    body = render_template("checkin/scanner/manifest.webmanifest")
    return current_app.response_class(body, mimetype="application/manifest+json")


@bp.get("/sw.js")
def service_worker():
    """Serve the service worker; scope /scan covers the page itself (hence the header)."""
    assets = [url_for("static", filename=name) for name in STATIC_ASSETS]
    body = render_template(
        "checkin/scanner/sw.js",
        assets=assets,
        version=_assets_version(current_app.static_folder),
        page_url=url_for("scanner.scan"),
    )
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/scan"
    response.headers["Cache-Control"] = "no-cache"
    return response
