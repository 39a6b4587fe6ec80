"""One active booking per attendee and item: a cancelled booking no longer blocks booking again

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 12:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ACTIVE = sa.text("status != 'cancelled'")


def upgrade():
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_constraint("uq_booking_attendee_id_event_id", type_="unique")
        batch_op.create_index(
            "uq_booking_attendee_event_active",
            ["attendee_id", "event_id"],
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        )


def downgrade():
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index("uq_booking_attendee_event_active")
        batch_op.create_unique_constraint(
            "uq_booking_attendee_id_event_id", ["attendee_id", "event_id"]
        )
