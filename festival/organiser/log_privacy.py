"""Keep personal data out of the logs: emails, SQL parameters, query strings, secret links.

Installed on the app's logger and on the loggers that write request lines, so neither an
exception (SQLAlchemy prints the parameters of a failed statement) nor an access line (a search
for a name, a manage link) leaves a name, an email or a token in a log file.
"""

import logging
import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\n|$)", re.DOTALL)
QUERY_STRING = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")
SECRET_PATH = re.compile(r"(/gerer/|/confirmation/|/tickets/)[\w-]{16,}")
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error", "sqlalchemy.engine", "rq.worker")


def redact(text: str) -> str:
    """Give ``text`` without emails, SQL parameters, query strings or secret path parts."""
    text = SQL_PARAMETERS.sub("[parameters: redacted]", text)
    text = QUERY_STRING.sub(r"\1?…", text)
    text = SECRET_PATH.sub(r"\1…", text)
    return EMAIL.sub("<email>", text)


class RedactPersonalData(logging.Filter):
    """Rewrite each record's message (and traceback) through ``redact``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install(app) -> None:
    """Attach the filter once to the app's logger and the request-line loggers."""
    for logger in (app.logger, *(logging.getLogger(name) for name in LOGGERS)):
        if not any(isinstance(f, RedactPersonalData) for f in logger.filters):
            logger.addFilter(RedactPersonalData())
