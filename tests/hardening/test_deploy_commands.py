"""The deployment recipe's commands exist: every ExecStart of docs/deploy/ and every flask
command of docs/production.md is run with --help from this checkout's venv.

A unit naming a command that does not exist (as `flask mail-worker` once did) starts, fails
and restarts forever on the server; this catches it here.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "docs" / "deploy"
SERVER_APP = "/srv/festival/app"
VENV_BIN = Path(sys.executable).parent  # this checkout's .venv/bin, as /srv/festival/app/.venv/bin
UNITS = sorted(DEPLOY.glob("*.service"))


def _exec_starts(unit: Path) -> list[str]:
    return re.findall(r"^ExecStart=(.+)$", unit.read_text(), flags=re.MULTILINE)


def _doc_flask_commands() -> list[str]:
    text = (ROOT / "docs" / "production.md").read_text()
    return sorted(set(re.findall(r"flask --app festival ([a-z][a-z-]*)", text)))


@pytest.fixture
def env(tmp_path):
    """What /etc/festival.env gives the units, pointed at a throwaway instance."""
    return {
        **os.environ,
        "FESTIVAL_INSTANCE_PATH": str(tmp_path),
        "FESTIVAL_DATABASE_URL": f"sqlite:///{tmp_path / 'festival.sqlite3'}",
        "FESTIVAL_SECRET_KEY": "deploy" * 6,
        "FESTIVAL_REDIS_URL": "redis://127.0.0.1:6379/0",
    }


def _local(argv: list[str], env: dict) -> list[str]:
    """The unit's command line with the server's venv replaced by this checkout's."""
    argv = [re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], arg) for arg in argv]
    return [arg.replace(f"{SERVER_APP}/.venv/bin", str(VENV_BIN)) for arg in argv]


def _run_help(argv: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*argv, "--help"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_every_unit_has_a_command_from_the_venv():
    assert {u.name for u in UNITS} >= {
        "festival-web.service",
        "festival-worker.service",
        "festival-mail-retry.service",
        "festival-backup.service",
    }
    for unit in UNITS:
        commands = _exec_starts(unit)
        assert commands, unit.name
        for command in commands:
            assert command.startswith(f"{SERVER_APP}/.venv/bin/"), (unit.name, command)


def test_the_worker_serves_the_mail_queue_of_the_configured_redis_in_one_process():
    (command,) = _exec_starts(DEPLOY / "festival-worker.service")
    assert shlex.split(command)[1:] == [
        "worker",
        "--worker-class",
        "rq.worker.SimpleWorker",  # no fork per job: fonts and CSS stay loaded
        "--url",
        "${FESTIVAL_REDIS_URL}",
        "mail",
    ]
    assert "EnvironmentFile=/etc/festival.env" in (DEPLOY / "festival-worker.service").read_text()


def test_every_timer_starts_a_unit_that_exists():
    for timer in DEPLOY.glob("*.timer"):
        assert (DEPLOY / f"{timer.stem}.service").exists(), timer.name
    assert (DEPLOY / "festival-mail-retry.timer").exists()
    (command,) = _exec_starts(DEPLOY / "festival-mail-retry.service")
    assert command.endswith("flask --app festival mail-retry")


@pytest.mark.parametrize(
    "unit, command",
    [(u.name, c) for u in UNITS for c in _exec_starts(u)],
)
def test_exec_start_runs_with_help(env, unit, command):
    argv = _local(shlex.split(command), env)
    assert Path(argv[0]).exists(), f"{unit}: {argv[0]} is not installed in the venv"
    done = _run_help(argv, env)
    assert done.returncode == 0, (unit, argv, done.stdout[-2000:], done.stderr[-2000:])
    assert "usage" in (done.stdout + done.stderr).lower(), (unit, done.stdout[-500:])


@pytest.mark.parametrize("name", _doc_flask_commands())
def test_flask_commands_of_the_production_doc_exist(env, name):
    done = _run_help([str(VENV_BIN / "flask"), "--app", "festival", name], env)
    assert done.returncode == 0, (name, done.stdout[-2000:], done.stderr[-2000:])
    assert "usage" in done.stdout.lower()


def test_the_doc_names_the_commands_it_relies_on():
    assert {"init-db", "create-user", "mail-retry", "backup"} <= set(_doc_flask_commands())
