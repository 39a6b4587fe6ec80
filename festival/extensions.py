"""The only singletons of the app; each is bound to an app in create_app."""

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from festival.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()


class SkippingLimiter(Limiter):
    """Flask-Limiter, doing nothing before the requests of the endpoints in ``skipped``.

    An exempt route (``@limiter.exempt``, or a request filter) still had every limit resolved
    or its exemption worked out on each request: ~200,000 instructions, 4 % of a door scan,
    for routes that carry no limit. A skipped endpoint limits itself if it must (see
    festival/api/checkins.py: typed short codes).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.skipped: set[str] = set()

    def _check_request_limit(self, callable_name=None, in_middleware=True):
        if request.endpoint in self.skipped:
            return None
        return super()._check_request_limit(callable_name, in_middleware)


# get_remote_address reads request.remote_addr, which ProxyFix sets only from trusted proxies.
limiter = SkippingLimiter(key_func=get_remote_address)
mail = Mail()
