"""Fixtures: an app on a temporary data dir, migrated by Alembic, with factories for members.

Each test gets its own copy of a database that `flask db upgrade` built once per session,
so tests are isolated yet run the real migrations, and concurrency tests can commit for real.
"""
from __future__ import annotations

import email
import os
import re
import shutil
import socket
import tempfile
import threading
from email.message import Message
from itertools import count
from pathlib import Path

from tests import queue_mode, topology  # import no app module, so they may come first

# Before the package is imported: Huey's queue file is created in this data dir.
_SESSION_DIR = Path(tempfile.mkdtemp(prefix="mastery-tests-"))
os.environ["MASTERY_DATA_DIR"] = str(_SESSION_DIR / "default")
os.environ.pop("MASTERY_DATABASE_URL", None)
os.environ.pop("MASTERY_SMTP_URL", None)
topology.configure_environment()
queue_mode.configure_environment()
# Transcription tests opt in with their own model setting; everything else runs without.
os.environ.pop("MASTERY_WHISPER_MODEL", None)

import pytest  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.handlers import Message as MessageHandler  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from mastery_share import create_app  # noqa: E402
from mastery_share.accounts.models import District, School, User  # noqa: E402
from mastery_share.accounts.services import hash_password  # noqa: E402
from mastery_share.extensions import db  # noqa: E402
from mastery_share.jobs import huey  # noqa: E402

queue_mode.route_immediate_jobs_through_storage(huey)

PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = hash_password(PASSWORD)
_serial = count(1)


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_SESSION_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def migrated_template() -> Path:
    """A SQLite database built by the real migrations, copied for every test."""
    data_dir = _SESSION_DIR / "template"
    app = create_app({"DATA_DIR": str(data_dir)})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return data_dir / "mastery.db"


def build_app(data_dir: Path, template: Path, **overrides):
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, data_dir / "mastery.db")
    return create_app({"DATA_DIR": str(data_dir), **overrides})


class SmtpInbox(MessageHandler):
    """What a real SMTP server on loopback received."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp_server():
    """aiosmtpd on a free loopback port: (controller, inbox). Apps built in a test that asks
    for it send their mail there (see app_overrides)."""
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def app_overrides(request) -> dict:
    """Settings for the test's app; override in a test module to change more."""
    if "smtp_server" in request.fixturenames:
        controller, _ = request.getfixturevalue("smtp_server")
        return {"SMTP_URL": f"smtp://{controller.hostname}:{controller.port}"}
    return {}


@pytest.fixture(scope="session")
def scale_out_services(tmp_path_factory):
    """(database, S3 endpoint) of this pytest worker, in the scale-out topology only."""
    with topology.migrated_postgres_database(tmp_path_factory.mktemp("migrating")) as database, \
            topology.moto_s3_endpoint() as endpoint:
        yield database, endpoint


@pytest.fixture
def app(request, tmp_path, migrated_template, app_overrides):
    """The test's app: on its own SQLite copy, or in the scale-out topology (tests/topology.py)
    on this worker's emptied PostgreSQL database, an S3 prefix and PostgreSQL search; a test
    marked `embedded` (about SQLite or files on the local disk) keeps the embedded one."""
    if topology.SCALE_OUT and not request.node.get_closest_marker("embedded"):
        settings = topology.scale_out_settings(*request.getfixturevalue("scale_out_services"))
        app = create_app({"DATA_DIR": str(tmp_path / "data"), **settings, **app_overrides})
    else:
        app = build_app(tmp_path / "data", migrated_template, **app_overrides)
    with app.app_context():
        yield app
        db.session.remove()
        # The PostgreSQL search backend keeps a pool of its own.
        getattr(app.extensions.get("search_backend"), "dispose", lambda: None)()
        db.engine.dispose()


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production.

    Without this, requests would reuse the test's app context and with it `g` and the
    database session, so a member loaded by one request would leak into the next.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # werkzeug spools a large test body to a temporary file it never closes.
        for each in (*response.history, response):
            stream = each.request.environ.get("wsgi.input") if each.request else None
            if stream is not None:
                stream.close()
        return response


@pytest.fixture
def queued_for_real_worker(app):
    """Jobs go to the queue (SQLite, or Redis under MASTERY_TEST_QUEUE_URL) that a separate
    worker process consumes (tests/real_worker.py); yields the queue's URL."""
    huey.immediate = False
    huey.flush()
    yield queue_mode.queue_url_for_workers(huey)
    huey.flush()
    huey.immediate = True


@pytest.fixture
def client(app):
    app.test_client_class = FreshContextClient
    return app.test_client()


@pytest.fixture
def district(app) -> District:
    district = District(name="Test District", slug="test-district")
    db.session.add(district)
    db.session.commit()
    return district


@pytest.fixture
def school(district) -> School:
    return make_school(district, "North Elementary", "America/Chicago")


@pytest.fixture
def other_school(district) -> School:
    return make_school(district, "South Middle School", "America/New_York")


def make_school(district: District, name: str, time_zone: str) -> School:
    school = School(name=name, time_zone=time_zone, district=district)
    db.session.add(school)
    db.session.commit()
    return school


@pytest.fixture
def make_user(district, school):
    """make_user(role='teacher', school=..., email=..., name=...) -> a member with PASSWORD."""

    def factory(role: str = "teacher", *, school_: School | None = school, email_: str | None = None,
                name: str | None = None, active: bool = True) -> User:
        number = next(_serial)
        user = User(
            email=(email_ or f"{role}{number}@example.org").lower(),
            name=name or f"{role.capitalize()} {number}",
            role=role,
            school=None if role == "admin" else school_,
            district=district,
            password_hash=_PASSWORD_HASH,
            active=active,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def teacher(make_user) -> User:
    return make_user("teacher")


@pytest.fixture
def principal(make_user) -> User:
    return make_user("principal")


@pytest.fixture
def admin(make_user) -> User:
    return make_user("admin")


def bearer_headers(client, user) -> dict:
    """The Authorization header of a fresh API token for `user` (signed in with PASSWORD)."""
    answer = client.post("/api/v1/tokens", auth=(user.email, PASSWORD))
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return {"Authorization": f"Bearer {answer.get_json()['token']}"}


def csrf_token(client, path: str) -> str:
    """The CSRF token of the form at `path`, as a browser would submit it."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, user: User, password: str = PASSWORD):
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"email": user.email, "password": password,
                                             "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def outbox_messages(app) -> list[Message]:
    """Mail written to the data dir's outbox, oldest first."""
    outbox = Path(app.config["DATA_DIR"]) / "outbox"
    if not outbox.exists():
        return []
    return [email.message_from_bytes(path.read_bytes()) for path in sorted(outbox.glob("*.eml"))]


def message_text(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    return ""


def first_link(message: Message) -> str:
    match = re.search(r"https?://\S+", message_text(message))
    assert match, "no link in the message"
    return match.group(0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """The app served over real HTTP on a loopback port, in a background thread."""

    def __init__(self, app):
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = make_server("127.0.0.1", self.port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._thread.join(timeout=10)


@pytest.fixture
def live_server(app):
    with LiveServer(app) as server:
        yield server
