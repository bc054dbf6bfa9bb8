"""The hash-chained audit log: `flask audit verify` catches a deleted, edited or moved entry."""

import threading

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, select, text, update

from tests.conftest import make_app
from webapp.audit.models import AuditChainHead, AuditEvent
from webapp.audit.services import record, verify_chain
from webapp.extensions import db


@pytest.fixture
def five_entries(app):
    with app.app_context():
        for n in range(5):
            record("auth.login", target=f"user{n}@example.vn", n=n, note="Đăng nhập")
        db.session.commit()
    return app


def verify(runner):
    result = runner.invoke(args=["audit", "verify"])
    return result.exit_code, result.output.strip()


def tamper(app, statement):
    with app.app_context():
        db.session.execute(statement)
        db.session.commit()


def test_an_untouched_chain_is_intact(five_entries, runner):
    assert verify(runner) == (0, "audit: intact (5 entries)")


@pytest.mark.usefixtures("app")
def test_an_empty_log_is_intact(runner):
    assert verify(runner) == (0, "audit: intact (0 entries)")


@pytest.mark.parametrize(
    ("statement", "seq", "reason"),
    [
        (update(AuditEvent).where(AuditEvent.seq == 3).values(target="someone-else"), 3, "sửa"),
        (update(AuditEvent).where(AuditEvent.seq == 2).values(details={"n": 99}), 2, "sửa"),
        (delete(AuditEvent).where(AuditEvent.seq == 2), 3, "bị xóa"),
        (delete(AuditEvent).where(AuditEvent.seq == 5), 5, "cuối cùng"),
    ],
    ids=["edited-target", "edited-details", "deleted-middle", "deleted-last"],
)
def test_tampering_is_named_at_the_first_broken_entry(five_entries, runner, statement, seq, reason):
    tamper(five_entries, statement)
    code, output = verify(runner)
    assert code == 1
    assert f"(seq {seq})" in output
    assert reason in output


def test_moving_an_entry_breaks_the_chain(five_entries, runner):
    """Swap two entries' positions (and so their links): the first moved one is named."""
    with five_entries.app_context():
        second, fourth = (
            db.session.scalar(select(AuditEvent).where(AuditEvent.seq == s)) for s in (2, 4)
        )
        fields = ("seq", "prev_hash", "entry_hash")
        saved = {f: getattr(second, f) for f in fields}, {f: getattr(fourth, f) for f in fields}
        second.seq, fourth.seq = -2, -4
        db.session.flush()
        for event, values in ((second, saved[1]), (fourth, saved[0])):
            for field, value in values.items():
                setattr(event, field, value)
        db.session.commit()
    code, output = verify(runner)
    assert code == 1
    assert "(seq 2)" in output


def test_rewriting_the_head_is_caught(five_entries, runner):
    tamper(five_entries, update(AuditChainHead).values(seq=4))
    assert verify(runner)[0] == 1


def test_concurrent_writers_do_not_fork_the_chain(app):
    """Two writers appending at once (as two workers or two servers would) keep one chain."""
    errors = []

    def writer(name):
        try:
            with app.app_context():
                for n in range(25):
                    record("test.append", target=name, n=n)
                    db.session.commit()
        except Exception as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context():
        status = verify_chain()
        seqs = db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert status.intact, status
    assert seqs == list(range(1, 51))


def test_the_migration_chains_entries_written_before_it(tmp_path):
    """Entries from before the chain existed are sealed by the migration, in id order."""
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}")
    with app.app_context():
        upgrade(revision="0cbd8b70c41f")
        for day in (1, 2, 3):
            db.session.execute(
                text(
                    "INSERT INTO audit_events (at, action, actor_label, details) "
                    "VALUES (:at, 'auth.login', 'cli', '{\"ok\": true}')"
                ),
                {"at": f"2026-01-0{day} 10:00:00.123456"},
            )
        db.session.commit()
        upgrade()
        status = verify_chain()
        assert status.intact
        assert status.entries == 3
        record("after.upgrade")
        db.session.commit()
        assert verify_chain().entries == 4
        db.engine.dispose()


def test_the_admin_page_shows_the_chain_status(five_entries):
    from tests.factories import login, make_user

    with five_entries.app_context():
        make_user("auditor@q1.vn", "auditor")
        db.session.commit()
    client = five_entries.test_client()
    login(client, "auditor@q1.vn")
    page = client.get("/admin/audit/chain").get_data(as_text=True)
    assert "Nguyên vẹn" in page
    tamper(five_entries, update(AuditEvent).where(AuditEvent.seq == 4).values(action="x"))
    page = client.get("/admin/audit/chain").get_data(as_text=True)
    assert "Bị phá vỡ" in page
    assert "nội dung của mục đã bị sửa" in page
