"""The app's media storage, built once per app from its configuration."""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from ..media.storage import Storage, build_storage


def media_storage() -> Storage:
    app = current_app._get_current_object()
    storage = app.extensions.get("media_storage")
    if storage is None:
        storage = _build(app.config)
        app.extensions["media_storage"] = storage
    return storage


def _build(config) -> Storage:
    if config.get("STORAGE", "local") == "s3":
        return build_storage("s3", bucket=config["S3_BUCKET"], prefix=config.get("S3_PREFIX", ""),
                             endpoint_url=config.get("S3_ENDPOINT_URL"))
    return build_storage("local", root=Path(config["DATA_DIR"]) / "media")
