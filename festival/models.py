"""Import every feature's models so SQLAlchemy's registry and Alembic see them all."""

from festival.accounts.models import *  # noqa: F403
from festival.checkin.models import *  # noqa: F403
from festival.mail.models import *  # noqa: F403
from festival.organiser.models import *  # noqa: F403
from festival.programme.models import *  # noqa: F403
from festival.registration.models import *  # noqa: F403
from festival.tickets.models import *  # noqa: F403
