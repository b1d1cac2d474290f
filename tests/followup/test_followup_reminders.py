"""Deadline reminders in the outbox, written once per step, and sent to a real (local) SMTP server."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email import message_from_bytes
from email.message import Message
from email.policy import default
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from tests.factories import add_units_and_users, form5_values

from kostra.access import Principal, Role
from kostra.followup.reminders import SCHEDULE, due_step, outbox, send_outbox, write_reminders
from kostra.reporting import submissions
from kostra.settings import Settings
from kostra.store import create_engine_for
from kostra.store.models import OutboxMessage, Submission, Unit, User

KONGSVINGER = Principal("demo-3401", Role.REPORTER, "3401")
DEADLINE_5 = date(2026, 1, 15)  # form 5 and form 11, 2025


class SmtpSink(socketserver.ThreadingTCPServer):
    """A minimal SMTP server that keeps every message it receives (the real network boundary)."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.received: list[tuple[list[str], Message]] = []


class _SmtpHandler(socketserver.StreamRequestHandler):
    server: SmtpSink

    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self._reply("220 sink ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self._reply("250 sink")
            elif command.startswith("MAIL FROM"):
                recipients = []
                self._reply("250 OK")
            elif command.startswith("RCPT TO"):
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                self._reply("250 OK")
            elif command == "DATA":
                self._reply("354 go on")
                self._reply("250 OK" if self._receive(recipients) else "451 error")
            elif command == "QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("250 OK")

    def _receive(self, recipients: list[str]) -> bool:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        self.server.received.append((recipients, message_from_bytes(b"".join(lines), policy=default)))
        return True


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    thread = threading.Thread(target=sink.serve_forever, daemon=True)
    thread.start()
    yield sink
    sink.shutdown()
    sink.server_close()


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    engine = create_engine_for(database_url)
    with Session(engine) as db:
        add_units_and_users(db)
        db.execute(update(Unit).where(Unit.code == "3405").values(email="postmottak@lillehammer.kommune.no"))
        db.execute(update(User).where(User.username == "demo-3401").values(email="kari@kongsvinger.kommune.no"))
        db.commit()
        yield db
    engine.dispose()


def test_schedule_steps_are_chosen_by_days_to_the_deadline() -> None:
    assert [s.days for s in SCHEDULE] == [-7, 0, 7]
    assert due_step(DEADLINE_5, date(2026, 1, 7)) is None
    assert due_step(DEADLINE_5, date(2026, 1, 8)).name == "before"  # type: ignore[union-attr]
    assert due_step(DEADLINE_5, date(2026, 1, 15)).name == "deadline"  # type: ignore[union-attr]
    assert due_step(DEADLINE_5, date(2026, 3, 1)).name == "overdue"  # type: ignore[union-attr]


def test_reminders_go_to_missing_units_once_per_step(session: Session) -> None:
    submissions.save_draft(session, KONGSVINGER, year=2025, form_id="5", unit_code="974600951",
                           values=form5_values(), confirm=["*"])
    receipt = submissions.submit(session, KONGSVINGER, year=2025, form_id="5", unit_code="974600951",
                                 confirm_warnings=True)
    # submitted before the reminders run (the status is evaluated as of the reminder day)
    session.execute(update(Submission).where(Submission.id == receipt.id).values(
        created_at=datetime(2025, 12, 20, 12, 0, tzinfo=UTC)))
    session.commit()
    assert write_reminders(session, 2025, date(2026, 1, 7), Settings(), form_id="5").written == 0
    first = write_reminders(session, 2025, date(2026, 1, 8), Settings(), form_id="5")
    session.commit()
    [message] = outbox(session, 2025)
    assert first.written == 1 and message.unit_code == "976990803" and message.kind == "reminder.before"
    # the institution has no e-mail: its municipality's unit address is used
    assert message.recipient == "postmottak@lillehammer.kommune.no"
    assert "/portal/2025/5/976990803" in message.body and "15.01.2026" in message.body
    assert "Lillehammer helsehus" in message.body and "ikke mottatt skjema 5" in message.body
    again = write_reminders(session, 2025, date(2026, 1, 9), Settings(), form_id="5")
    assert (again.written, again.already) == (0, 1)
    overdue = write_reminders(session, 2025, date(2026, 1, 22), Settings(), form_id="5")
    session.commit()
    assert overdue.written == 1 and outbox(session, 2025)[0].kind == "reminder.overdue"
    assert "Purring" in outbox(session, 2025)[0].subject
    keys = session.scalars(select(OutboxMessage.dedupe_key)).all()
    assert sorted(keys) == ["reminder:2025:5:976990803:before", "reminder:2025:5:976990803:overdue"]


def test_recipients_from_reporters_or_none(session: Session) -> None:
    result = write_reminders(session, 2025, date(2026, 1, 15), Settings(), form_id="11")
    session.commit()
    by_unit = {m.unit_code: m.recipient for m in outbox(session, 2025)}
    assert by_unit == {"3401": "kari@kongsvinger.kommune.no", "3405": "postmottak@lillehammer.kommune.no",
                       "030102": ""}
    assert result.without_recipient == 1


def test_send_outbox_needs_smtp_and_records_sent(session: Session, smtp_sink: SmtpSink, tmp_path: Path) -> None:
    write_reminders(session, 2025, date(2026, 1, 15), Settings(), form_id="11")
    session.commit()
    not_configured = send_outbox(session, Settings(home=tmp_path))
    assert not not_configured.configured and not_configured.sent == 0
    assert all(m.sent_at is None for m in outbox(session, 2025))
    settings = Settings(home=tmp_path, smtp_host="127.0.0.1", smtp_port=smtp_sink.server_address[1],
                        mail_from="kostra@ssb.no")
    result = send_outbox(session, settings)
    session.commit()
    assert (result.sent, result.failed, result.skipped) == (2, 0, 1)
    received = {tuple(rcpt): mail for rcpt, mail in smtp_sink.received}
    mail = received[("kari@kongsvinger.kommune.no",)]
    assert mail["From"] == "kostra@ssb.no" and "Fristen for skjema 11" in mail["Subject"]
    assert "/portal/2025/11/3401" in mail.get_content()
    sent = {m.unit_code: m for m in outbox(session, 2025)}
    assert sent["3401"].sent_at is not None and sent["030102"].sent_at is None
    assert send_outbox(session, settings).sent == 0  # nothing is sent twice
    assert len(smtp_sink.received) == 2


def test_unreachable_smtp_records_the_error(session: Session, tmp_path: Path) -> None:
    write_reminders(session, 2025, date(2026, 1, 15), Settings(), form_id="11")
    with socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler) as closed:
        port = closed.server_address[1]
    result = send_outbox(session, Settings(home=tmp_path, smtp_host="127.0.0.1", smtp_port=port))
    session.commit()
    assert result.failed == 2 and result.sent == 0
    errors = [m.send_error for m in outbox(session, 2025) if m.recipient]
    assert all(e and f"127.0.0.1:{port}" in e for e in errors)
