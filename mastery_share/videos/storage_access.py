"""The app's media storage, built once per app from its configuration."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from ..media.storage import Storage, build_storage


def media_storage() -> Storage:
    app = current_app._get_current_object()
    storage = app.extensions.get("media_storage")
    if storage is None:
        storage = _build(app.config)
        app.extensions["media_storage"] = storage
    return storage


def _build(config: Mapping[str, Any]) -> Storage:
    if config.get("STORAGE", "local") == "s3":
        if not config.get("S3_BUCKET"):
            raise RuntimeError("MASTERY_S3_BUCKET must be set when MASTERY_STORAGE=s3.")
        endpoint = config.get("S3_ENDPOINT_URL") or None
        options: dict[str, Any] = {}
        if config.get("S3_REGION"):
            options["region_name"] = config["S3_REGION"]
        # Credentials come from boto3's own chain (AWS_* variables, profile, instance role),
        # so no secret has to live in the app's configuration.
        return build_storage(
            "s3", bucket=config["S3_BUCKET"], prefix=config.get("S3_PREFIX") or "",
            endpoint_url=endpoint,
            # Self-hosted S3-compatible stores (MinIO, Ceph, moto) rarely resolve
            # "<bucket>.<host>" names; AWS itself prefers virtual-hosted names.
            addressing_style="path" if endpoint else "auto",
            **options,
        )
    return build_storage("local", root=Path(config["DATA_DIR"]) / "media")


def media_origins(config: Mapping[str, Any]) -> list[str]:
    """The origins the browser fetches media from besides our own: the store that presigned
    redirects point at, so the Content-Security-Policy can allow exactly that and no more."""
    if config.get("STORAGE", "local") != "s3":
        return []
    endpoint = config.get("S3_ENDPOINT_URL")
    if endpoint:
        parts = urlsplit(endpoint)
        return [f"{parts.scheme}://{parts.netloc}"]  # path-style: one host for every bucket
    bucket = str(config.get("S3_BUCKET") or "")
    region = config.get("S3_REGION") or _default_region()
    # Presigned URLs use the global name for us-east-1 and the regional one elsewhere; a
    # bucket name with dots cannot be a TLS host name, so boto3 falls back to path style.
    hosts = ["s3.amazonaws.com", *([f"s3.{region}.amazonaws.com"] if region else [])]
    if "." not in bucket:
        hosts = [f"{bucket}.{host}" for host in hosts]
    return [f"https://{host}" for host in dict.fromkeys(hosts)]


def _default_region() -> str | None:
    """The region boto3 itself would pick (AWS_REGION, AWS_DEFAULT_REGION, ~/.aws/config)."""
    import boto3  # only deployments that store media in S3 import it

    return boto3.session.Session().region_name
