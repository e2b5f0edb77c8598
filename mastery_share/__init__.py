"""Mastery Share: teachers share what works in their classrooms."""
from __future__ import annotations

import os
from collections.abc import Mapping

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import Config, TestConfig, config_for

from .extensions import bootstrap, csrf, db, limiter, login_manager, migrate
from .query_args import MAX_ID
from .search.engine import check_search_setting

_TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "templates")
_STATIC = os.path.join(os.path.dirname(os.path.dirname(__file__)), "static")


def create_app(config: Config | Mapping | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI and error handlers.

    No queries and no migrations run here: `flask db upgrade` owns the schema.
    """
    app = Flask(__name__, template_folder=_TEMPLATES, static_folder=_STATIC)
    app.config.from_object(_resolve_config(config))
    _refuse_unsafe_production(app)
    _trust_proxies(app)
    check_search_setting(app.config)
    os.makedirs(app.config["DATA_DIR"], exist_ok=True)

    _init_extensions(app)
    app.url_map.converters["id"] = DatabaseIdConverter
    _import_models()
    _register_blueprints(app)

    from .errors import register_error_handlers
    from .request_guard import register_request_guard
    from .security_headers import register_security_headers
    from .cli import register_cli
    from .templating import register_template_helpers

    from .request_ids import register_request_ids

    register_request_ids(app)
    register_error_handlers(app)
    register_request_guard(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_cli(app)

    _register_jobs(app)
    return app


class DatabaseIdConverter(IntegerConverter):
    """A positive 32-bit id in a URL: a larger number 404s instead of overflowing SQLite."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=MAX_ID)


def _resolve_config(config: Config | Mapping | None) -> Config:
    if config is None:
        return config_for(os.environ.get("MASTERY_ENV"))
    if isinstance(config, Mapping):
        overrides = dict(config)
        return TestConfig(overrides.pop("DATA_DIR", None), **overrides)
    return config


def _refuse_unsafe_production(app: Flask) -> None:
    if app.config.get("SESSION_COOKIE_SECURE") and (app.debug or os.environ.get("FLASK_DEBUG")
                                                    in ("1", "true")):
        raise RuntimeError("Refusing to start the production configuration with debug on.")


def _trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-* from exactly MASTERY_TRUSTED_PROXIES hops, so rate limits and
    links see the real client behind a reverse proxy, and no further (a client could forge)."""
    raw = str(app.config.get("TRUSTED_PROXIES") or "0").strip()
    if not (raw.isascii() and raw.isdigit()):
        raise RuntimeError(f"MASTERY_TRUSTED_PROXIES must be a whole number of proxies "
                           f"(0 when none), not {raw!r}.")
    hops = int(raw)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(_TEMPLATES), "migrations"))
    csrf.init_app(app)
    bootstrap.init_app(app)
    limiter.init_app(app)

    from .accounts.sso import init_sso

    init_sso(app)

    from .accounts.services import load_user_from_session

    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user_from_session)


def _import_models() -> None:
    """Every domain's models, so the metadata (and Alembic's autogenerate) knows all tables."""
    from .accounts import models as _accounts, token_models as _tokens  # noqa: F401
    from .collections import models as _collections  # noqa: F401
    from .comments import models as _comments  # noqa: F401
    from .notifications import models as _notifications  # noqa: F401
    from .search.postgres import models as _search  # noqa: F401
    from .tries import models as _tries  # noqa: F401
    from .videos import face_models as _faces, models as _videos  # noqa: F401
    from .viewing import models as _viewing  # noqa: F401
    from .visits import models as _visits  # noqa: F401


def _register_jobs(app: Flask) -> None:
    """Every domain's background jobs, so this process can queue them and a worker run them."""
    import importlib

    from .jobs import JOB_MODULES, configure

    for module in JOB_MODULES:
        importlib.import_module(module)
    configure(app)


def _register_blueprints(app: Flask) -> None:
    from .videos import description_views, face_views  # noqa: F401  (routes on videos.bp)
    from .accounts import (  # noqa: F401  (their routes are on accounts.bp)
        security_views,
        sso_views,
        staff_member_views,
        staff_views,
    )
    from .accounts.views import bp as accounts_bp
    from .collections.views import bp as collections_bp
    from .api import init_api
    from .comments.views import bp as comments_bp
    from .main.views import bp as main_bp
    from .readiness import bp as readiness_bp
    from .notifications.views import bp as notifications_bp
    from .transcripts.views import bp as transcripts_bp
    from .search.views import bp as search_bp
    from .tries.counts_views import bp as leader_counts_bp
    from .tries.spread_views import bp as spread_bp
    from .tries.views import bp as tries_bp
    from .videos.tus_views import bp as tus_bp
    from .videos.views import bp as videos_bp
    from .viewing.views import bp as viewing_bp
    from .visits.views import bp as visits_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(readiness_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(videos_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(visits_bp)
    app.register_blueprint(transcripts_bp)
    app.register_blueprint(collections_bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(spread_bp)
    app.register_blueprint(leader_counts_bp)
    app.register_blueprint(tries_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(viewing_bp)
    # tus requests authenticate with a bearer token, or the session plus an X-CSRFToken
    # header checked in api.auth.member_required.
    csrf.exempt(tus_bp)
    app.register_blueprint(tus_bp)
    _register_api(app, init_api(app))


def _register_api(app: Flask, api) -> None:
    """Each domain's /api/v1 blueprint, validated and documented by the one Api."""
    from .accounts.api import blp as accounts_blp
    from .accounts.staff_api import blp as staff_blp
    from .api.bodies import refuse_bodies_that_are_not_json
    from .collections.api import blp as collections_blp
    from .comments.api import blp as comments_blp
    from .notifications.api import blp as notifications_blp
    from .search.api import blp as search_blp
    from .tries.api import blp as tries_blp
    from .tries.spread_api import blp as spread_blp
    from .videos.api import blp as videos_blp
    from .videos.schemas import VideoCreateJsonSchema, VideoCreateMultipartSchema
    from .viewing.api import blp as viewing_blp
    from .visits.api import blp as visits_blp

    # Documented by hand (one endpoint, two content types), so registered by name here.
    api.spec.components.schema("VideoCreateJsonSchema", schema=VideoCreateJsonSchema)
    api.spec.components.schema("VideoCreateMultipartSchema", schema=VideoCreateMultipartSchema)
    blueprints = (accounts_blp, videos_blp, search_blp, visits_blp, comments_blp,
                  collections_blp, tries_blp, spread_blp, notifications_blp, staff_blp,
                  viewing_blp)
    for blueprint in blueprints:
        # Bearer tokens, not cookies, authenticate the API, so CSRF does not apply.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    refuse_bodies_that_are_not_json(app, (blueprint.name for blueprint in blueprints))


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL lets readers work while a writer commits; SQLite leaves foreign keys off otherwise."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()
