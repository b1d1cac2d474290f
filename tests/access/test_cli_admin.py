"""``kostra users`` and ``kostra units`` on a real database: passwords never on the command line, audit as cli."""

from __future__ import annotations

import csv
import getpass
import io
import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories import add_units_and_users

from kostra.access import authenticate
from kostra.cli.units import units
from kostra.cli.users import users
from kostra.errors import AccessDenied
from kostra.store import create_engine_for
from kostra.store.models import AuditEvent, Unit, User

PASSWORD = "hemmelig-passord"


@pytest.fixture
def engine_url(database_url: str) -> Iterator[str]:
    engine = create_engine_for(database_url)
    with Session(engine) as session:
        add_units_and_users(session)
    engine.dispose()
    yield database_url


def _run(url: str, command: object, args: list[str], stdin: str | None = None) -> Result:
    return CliRunner().invoke(command, args, input=stdin, env={"KOSTRA_DATABASE_URL": url})  # type: ignore[arg-type]


def _query(url: str, statement: object) -> list[object]:
    engine = create_engine_for(url)
    try:
        with Session(engine) as session:
            return list(session.scalars(statement))  # type: ignore[call-overload]
    finally:
        engine.dispose()


def _login(url: str, username: str, password: str) -> str:
    engine = create_engine_for(url)
    try:
        with Session(engine) as session:
            return authenticate(session, username, password).username
    finally:
        engine.dispose()


def test_add_user_with_password_from_stdin(engine_url: str) -> None:
    result = _run(engine_url, users, ["add", "kari", "--role", "reporter", "--unit", "3405", "--name", "Kari N",
                                      "--email", "kari@lillehammer.kommune.no", "--password-stdin",
                                      "--reason", "ny"], stdin=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Created user kari (reporter, unit 3405)" in result.output
    assert _login(engine_url, "kari", PASSWORD) == "kari"
    [event] = _query(engine_url, select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert isinstance(event, AuditEvent)
    assert (event.actor, event.object_ref, event.reason) == (f"cli:{getpass.getuser()}", "user/kari", "ny")
    assert PASSWORD not in event.detail_json


def test_add_user_prompts_twice_without_echo(engine_url: str) -> None:
    result = _run(engine_url, users, ["add", "ola", "--role", "statistician"], stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input
    assert _login(engine_url, "ola", PASSWORD) == "ola"


def test_no_password_option_exists(engine_url: str) -> None:
    result = _run(engine_url, users, ["add", "ola", "--role", "statistician", "--password", PASSWORD])
    assert result.exit_code == 2 and "No such option" in result.output


@pytest.mark.parametrize(("args", "stdin", "expected"), [
    (["add", "demo-3401", "--role", "reporter", "--unit", "3401", "--password-stdin"], PASSWORD,
     "username: user 'demo-3401' exists already"),
    (["add", "per", "--role", "reporter", "--password-stdin"], PASSWORD, "unit_code: a reporter needs a unit"),
    (["add", "per", "--role", "statistician", "--password-stdin"], "kort", "password: the password has 4 characters"),
    (["set", "demo-3401", "--role", "statistician"], None, "unit_code: a statistician belongs to no unit"),
    (["set", "ingen", "--inactive"], None, "no user 'ingen'"),
])
def test_mistakes_are_one_line_with_exit_code_2(engine_url: str, args: list[str], stdin: str | None,
                                                expected: str) -> None:
    before = [(u.username, u.role, u.unit_code, u.active) for u in _query(engine_url, select(User))]  # type: ignore[attr-defined]
    result = _run(engine_url, users, args, stdin=f"{stdin}\n" if stdin else None)
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    after = [(u.username, u.role, u.unit_code, u.active) for u in _query(engine_url, select(User))]  # type: ignore[attr-defined]
    assert after == before
    assert _query(engine_url, select(AuditEvent)) == []


def test_set_and_password_and_list(engine_url: str) -> None:
    result = _run(engine_url, users, ["set", "demo-3401", "--inactive", "--reason", "sluttet"])
    assert result.exit_code == 0 and "active" in result.output
    with pytest.raises(AccessDenied):
        _login(engine_url, "demo-3401", "demo-password")
    result = _run(engine_url, users, ["password", "demo-3405", "--password-stdin"], stdin=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert _login(engine_url, "demo-3405", PASSWORD) == "demo-3405"
    listed = json.loads(_run(engine_url, users, ["list", "--role", "reporter", "--format", "json"]).stdout)
    assert [(row["username"], row["active"]) for row in listed] == [("demo-3401", False), ("demo-3405", True)]
    rows = list(csv.DictReader(io.StringIO(_run(engine_url, users, ["list", "--format", "csv"]).stdout)))
    assert {row["username"] for row in rows} == {"admin", "demo-3401", "demo-3405", "statistiker"}
    actions = [e.action for e in _query(engine_url, select(AuditEvent).order_by(AuditEvent.id))]  # type: ignore[attr-defined]
    assert actions == ["user.update", "user.password"]


def test_units_add_set_deactivate_list(engine_url: str) -> None:
    result = _run(engine_url, units, ["add", "974760673", "--kind", "institution", "--name", "Brønnøy test",
                                      "--municipality", "3401", "--reason", "ny"])
    assert result.exit_code == 0, result.output
    result = _run(engine_url, units, ["set", "3401", "--population", "18 500", "--email", "post@kongsvinger.no"])
    assert result.exit_code == 0, result.output
    result = _run(engine_url, units, ["deactivate", "3405", "--reason", "sammenslått"])
    assert result.exit_code == 0 and "1 active reporter(s)" in result.output
    [unit] = _query(engine_url, select(Unit).where(Unit.code == "3401"))
    assert isinstance(unit, Unit) and (unit.population, unit.email) == (18_500, "post@kongsvinger.no")
    listed = json.loads(_run(engine_url, units, ["list", "--kind", "institution", "--format", "json"]).stdout)
    assert [row["code"] for row in listed] == ["974600951", "974760673", "976990803"]
    inactive = json.loads(_run(engine_url, units, ["list", "--inactive", "--format", "json"]).stdout)
    assert [row["code"] for row in inactive] == ["3405"]
    events = _query(engine_url, select(AuditEvent).order_by(AuditEvent.id))
    assert [(e.action, e.object_ref) for e in events] == [  # type: ignore[attr-defined]
        ("unit.create", "unit/974760673"), ("unit.update", "unit/3401"), ("unit.deactivate", "unit/3405")]


def test_units_mistakes(engine_url: str) -> None:
    result = _run(engine_url, units, ["add", "974760674", "--kind", "institution", "--name", "X",
                                      "--municipality", "3401"])
    assert result.exit_code == 2 and "code: '974760674' is not a valid organisation number" in result.output
    result = _run(engine_url, units, ["add", "34011", "--kind", "municipality", "--name", "X"])
    assert result.exit_code == 2 and "expected 4 digits" in result.output
    assert _query(engine_url, select(AuditEvent)) == []
