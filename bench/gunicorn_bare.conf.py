"""Production's gunicorn settings (gunicorn.conf.py) for an app that is not the festival's.

Same workers, timeouts and keep-alive; without the hooks that need the festival app (its
warm-up renders a ticket, its exit closes Flask-SQLAlchemy's pool). Used by bench/calibration.py.
"""

import runpy
from pathlib import Path

_PRODUCTION = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
_FESTIVAL_ONLY = {"post_worker_init", "worker_exit"}
globals().update(
    {k: v for k, v in _PRODUCTION.items() if not k.startswith("_") and k not in _FESTIVAL_ONLY}
)
