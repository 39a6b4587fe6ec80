"""Extract, update and compile the interface translations, one catalog per feature.

French is the source language; catalogs hold English and Arabic. Each feature owns its
catalog (festival/<feature>/translations), so features are translated independently.

    python scripts/i18n.py extract   # refresh .pot and merge new strings into the .po files
    python scripts/i18n.py compile   # build the .mo files the app loads
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "festival"
TARGET_LOCALES = ("en", "ar")
FEATURES = ("programme", "registration", "tickets", "checkin", "accounts", "organiser")


def catalogs() -> dict[Path, list[Path]]:
    """Map each catalog directory to the sources its strings come from."""
    result = {
        PKG / "translations": [
            *sorted(PKG.glob("*.py")),
            PKG / "api",
            PKG / "mail",
            PKG / "templates" / "base.html",
            PKG / "templates" / "errors",
        ]
    }
    for feature in FEATURES:
        sources = [PKG / feature, PKG / "templates" / feature]
        result[PKG / feature / "translations"] = [p for p in sources if p.exists()]
    return result


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", *args], check=True)  # noqa: S603  (our own arguments)


def extract() -> None:
    for directory, sources in catalogs().items():
        directory.mkdir(parents=True, exist_ok=True)
        pot = directory / "messages.pot"
        pybabel(
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "--no-location",
            "--sort-output",
            "-o",
            str(pot),
            *map(str, sources),
        )
        for locale in TARGET_LOCALES:
            po = directory / locale / "LC_MESSAGES" / "messages.po"
            command = "update" if po.exists() else "init"
            pybabel(command, "-i", str(pot), "-d", str(directory), "-l", locale)


def compile_all() -> None:
    for directory in catalogs():
        if any(directory.glob("*/LC_MESSAGES/messages.po")):
            pybabel("compile", "-f", "-d", str(directory))


if __name__ == "__main__":
    {"extract": extract, "compile": compile_all}[sys.argv[1]]()
