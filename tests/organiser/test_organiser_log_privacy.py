"""Personal data never reaches the logs."""

import logging

from festival.organiser.log_privacy import redact


def test_emails_sql_parameters_query_strings_and_secret_links_are_redacted():
    text = (
        "GET /organisateur/participants?q=Ana+Nowak HTTP/1.1 /fr/inscription/gerer/"
        "AbCdEfGhIjKlMnOpQrStUv012345 ana.nowak@example.org\n"
        "[parameters: ('Ana Nowak', 'x@y.fr')]\n(Background on this error)"
    )
    clean = redact(text)
    for secret in ("Ana", "Nowak", "ana.nowak", "x@y.fr", "AbCdEfGhIjKlMnOp"):
        assert secret not in clean
    assert "/organisateur/participants?…" in clean


def test_the_app_logger_redacts_messages_and_tracebacks(app, caplog):
    caplog.set_level(logging.INFO)
    try:
        raise ValueError("duplicate key [parameters: ('canari@example.org',)]")
    except ValueError:
        app.logger.exception("failed for %s", "canari@example.org")
    logging.getLogger("werkzeug").info('"GET /organisateur/participants?q=Canari HTTP/1.1" 200')
    text = caplog.text
    assert "canari" not in text.lower()
    assert "<email>" in text
