"""What every benchmark needs: a free local port and an empty schema to seed."""

import socket


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_schema(db) -> None:
    """Create the tables on an empty database; PostgreSQL's bench database is wiped first."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.session.commit()
    db.create_all()
