"""The app factory and its layers of configuration."""

from festival import create_app


def test_defaults_use_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("FESTIVAL_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'festival.sqlite3'}"


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("FESTIVAL_DATABASE_URL", "sqlite:///" + str(tmp_path / "env.db"))
    monkeypatch.setenv("FESTIVAL_WALKING_MINUTES", "15")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.db")
    assert app.config["WALKING_MINUTES"] == 15


def test_explicit_config_overrides_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("FESTIVAL_WALKING_MINUTES", "15")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "WALKING_MINUTES": 7})
    assert app.config["WALKING_MINUTES"] == 7


def test_secret_key_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("FESTIVAL_SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"INSTANCE_PATH": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second
    assert len(bytes.fromhex(first)) * 8 >= 128
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_sqlite_connections_use_wal_and_busy_timeout(app):
    from festival.extensions import db

    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_hooks_and_views_are_inspected_once(tmp_path, monkeypatch):
    import flask.app

    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    inspected = []
    real = flask.app.iscoroutinefunction
    monkeypatch.setattr(flask.app, "iscoroutinefunction", lambda f: inspected.append(f) or real(f))

    def hook():
        return None

    assert app.ensure_sync(hook) is hook and app.ensure_sync(hook) is hook
    assert inspected == [hook]


def test_coroutine_views_are_still_wrapped(tmp_path, monkeypatch):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    monkeypatch.setattr(app, "async_to_sync", lambda func: ("wrapped", func))

    async def view():
        return "hello"

    assert app.ensure_sync(view) == ("wrapped", view)
    assert app.ensure_sync(view) == ("wrapped", view)  # every time: never remembered as sync
