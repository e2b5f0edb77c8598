"""Media storage in S3 or any S3-compatible store (MinIO, Ceph...), for several machines.

Playback does not stream through the web process: ``presigned_url`` lets the browser fetch
(with HTTP Range) straight from the store. Large files go up in parallel multipart chunks
so a 2 GB original neither sits in memory nor fails whole on one dropped connection.
"""

from __future__ import annotations

import mimetypes
import os
from typing import Any, BinaryIO, cast
from urllib.parse import quote

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from .base import ObjectNotFound, Storage, StorageError, check_key, check_prefix

MULTIPART_THRESHOLD = 64 * 1024 * 1024
MULTIPART_CHUNKSIZE = 16 * 1024 * 1024
_DELETE_BATCH = 1000  # the most keys one DeleteObjects call accepts

mimetypes.add_type("text/vtt", ".vtt")


class S3Storage(Storage):
    """Objects are ``<prefix><key>`` in ``bucket``."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        *,
        multipart_threshold: int = MULTIPART_THRESHOLD,
        multipart_chunksize: int = MULTIPART_CHUNKSIZE,
        addressing_style: str = "auto",
        client: Any = None,
        **client_options: Any,
    ) -> None:
        """``client_options`` go to ``boto3.client`` (region_name, aws_access_key_id, ...);
        ``addressing_style="path"`` suits most self-hosted S3-compatible stores."""
        self.bucket = bucket
        self.prefix = check_prefix(prefix) if prefix.strip("/") else ""
        config = Config(signature_version="s3v4", s3={"addressing_style": addressing_style})
        self.client = client or boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, config=config, **client_options
        )
        self.transfer_config = TransferConfig(
            multipart_threshold=multipart_threshold, multipart_chunksize=multipart_chunksize
        )

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def save(self, key: str, local_path: str | os.PathLike[str]) -> None:
        """Upload, switching to multipart above the threshold; S3 makes the object visible
        only once complete, which gives the same all-or-nothing as a local rename."""
        extra = {"ContentType": mimetypes.guess_type(key)[0] or "application/octet-stream"}
        self.client.upload_file(
            os.fspath(local_path),
            self.bucket,
            self._name(key),
            ExtraArgs=extra,
            Config=self.transfer_config,
        )

    def open(self, key: str) -> BinaryIO:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            raise self._translate(error, key) from None
        return cast(BinaryIO, response["Body"])

    def exists(self, key: str) -> bool:
        try:
            self._head(key)
        except ObjectNotFound:
            return False
        return True

    def size(self, key: str) -> int:
        return int(self._head(key)["ContentLength"])

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def delete_prefix(self, prefix: str) -> int:
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + check_prefix(prefix))
        names = [item["Key"] for page in pages for item in page.get("Contents", [])]
        for start in range(0, len(names), _DELETE_BATCH):
            batch = [{"Key": name} for name in names[start : start + _DELETE_BATCH]]
            response = self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
            )
            if response.get("Errors"):
                raise StorageError(f"could not delete {response['Errors'][0].get('Key')}")
        return len(names)

    def list_prefix(self, prefix: str) -> list[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + check_prefix(prefix))
        return sorted(item["Key"][len(self.prefix):] for page in pages
                      for item in page.get("Contents", []))

    def presigned_url(
        self, key: str, expires_s: int = 3600, *, cache_control: str | None = None,
        download_name: str | None = None,
    ) -> str | None:
        params = {"Bucket": self.bucket, "Key": self._name(key)}
        if cache_control:
            # Signed into the URL (response-cache-control): the store itself answers with it,
            # so a shared cache between the browser and the store keeps no copy.
            params["ResponseCacheControl"] = cache_control
        if download_name:
            params["ResponseContentDisposition"] = _attachment(download_name)
        return cast(
            str,
            self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=expires_s),
        )

    def _head(self, key: str) -> dict[str, Any]:
        try:
            return cast(
                dict[str, Any], self.client.head_object(Bucket=self.bucket, Key=self._name(key))
            )
        except ClientError as error:
            raise self._translate(error, key) from None

    @staticmethod
    def _translate(error: ClientError, key: str) -> StorageError:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in ("404", "NoSuchKey", "NotFound"):
            return ObjectNotFound(key)
        return StorageError(f"{code or 'S3 error'} for {key!r}")


def _attachment(filename: str) -> str:
    """Content-Disposition for a download: an ASCII fallback and the UTF-8 name (RFC 6266)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                       for c in filename) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
