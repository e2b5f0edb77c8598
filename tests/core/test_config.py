import pytest

from config import Config, ProductionConfig
from config import TestConfig as ConfigForTests
from mastery_share import create_app


def test_secret_key_is_generated_once_and_kept_in_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("MASTERY_SECRET_KEY", raising=False)
    first = Config(tmp_path).SECRET_KEY
    second = Config(tmp_path).SECRET_KEY
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_settings_come_from_mastery_environment_variables(tmp_path, monkeypatch):
    monkeypatch.setenv("MASTERY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MASTERY_MAX_UPLOAD_MB", "64")
    monkeypatch.setenv("MASTERY_DATABASE_URL", "postgresql+psycopg://x@127.0.0.1/y")
    config = Config()
    assert config.MAX_UPLOAD_MB == 64
    assert config.SQLALCHEMY_DATABASE_URI.startswith("postgresql+psycopg://")
    assert config.DATA_DIR == str(tmp_path)


def test_default_database_is_sqlite_in_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("MASTERY_DATABASE_URL", raising=False)
    assert Config(tmp_path).SQLALCHEMY_DATABASE_URI == f"sqlite:///{tmp_path / 'mastery.db'}"


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("MASTERY_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="MASTERY_SECRET_KEY"):
        ProductionConfig(tmp_path)


def test_production_refuses_debug_and_uses_secure_cookies(tmp_path, monkeypatch):
    monkeypatch.setenv("MASTERY_SECRET_KEY", "x" * 40)
    config = ProductionConfig(tmp_path)
    assert config.SESSION_COOKIE_SECURE and config.SESSION_COOKIE_HTTPONLY
    config.DEBUG = True
    with pytest.raises(RuntimeError, match="debug"):
        create_app(config)


@pytest.mark.embedded("about SQLite's settings")
def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    from mastery_share.extensions import db

    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_pages_send_security_headers(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert ConfigForTests(None).TESTING
