"""What the player needs, and serving the media behind signed URLs."""
from __future__ import annotations

from flask import Response, current_app, redirect, send_file

from ..accounts.models import User
from ..errors import NotFound
from .captions import caption_track
from .media_urls import MEDIA_NAMES, media_url, rendition_name
from .models import Video, VideoStatus, Visibility
from .storage_access import media_storage

# Everyone who can watch these sees them anyway: their own browser may keep the bytes for a
# while (posters on every list page, ranges when seeking), never a shared cache.
_WIDELY_SEEN = (Visibility.DISTRICT.value, Visibility.NETWORK.value)


def player_context(viewer: User, video: Video) -> dict:
    """Signed URLs for every playable rendition (largest first), the poster and captions."""
    sources = [
        {"label": rendition.label, "width": rendition.width, "height": rendition.height,
         "url": media_url(viewer, video, rendition_name(rendition.label))}
        for rendition in sorted(video.playable_renditions, key=lambda r: -r.height)
    ]
    return {
        "sources": sources,
        "poster_url": media_url(viewer, video, "poster.jpg") if video.poster_key else None,
        "captions_url": media_url(viewer, video, "captions.vtt") if video.captions_key else None,
        "captions_track": caption_track(video),
        "descriptions_url": (media_url(viewer, video, "descriptions.vtt")
                             if video.descriptions_key else None),
    }


def _key_for(video: Video, name: str) -> tuple[str, str]:
    if name == "poster.jpg" and video.poster_key:
        return video.poster_key, MEDIA_NAMES[name]
    if name == "captions.vtt" and video.captions_key:
        return video.captions_key, MEDIA_NAMES[name]
    if name == "descriptions.vtt" and video.descriptions_key:
        return video.descriptions_key, MEDIA_NAMES[name]
    for rendition in video.renditions:
        if rendition_name(rendition.label) == name and rendition.status == VideoStatus.READY.value:
            return rendition.storage_key, rendition.mime
    raise NotFound("No such media for this video.")


class ClosingBody:
    """Close the file even when the player drops the connection mid-range (browsers do on
    every seek) and the server never calls close(), or never starts reading the body at all
    (a reset before the first byte): closing happens at the end of the body, on close(), or
    when the response is dropped, whichever comes first."""

    def __init__(self, body):
        self._body = body

    def __iter__(self):
        try:
            yield from self._body
        finally:
            self.close()

    def close(self) -> None:
        close = getattr(self._body, "close", None)
        if close is not None:
            close()

    def __del__(self):
        self.close()


def media_cache_control(video: Video, name: str) -> str:
    """Cache-Control for a media response: `private, no-store` for private and school videos,
    so that once one is made private no cache anywhere still serves it; district and network
    videos may stay in the viewer's own browser briefly (captions a minute, as owners fix
    them), never in a shared cache."""
    if video.visibility not in _WIDELY_SEEN:
        return "private, no-store"
    return "private, max-age=60" if name.endswith(".vtt") else "private, max-age=600"


def media_response(video: Video, name: str):
    """A rendition, the poster or a captions track of the video, served as stored."""
    key, mime = _key_for(video, name)
    # A <track> loads same-origin only: a redirect to the store would be refused.
    return stored_file_response(key, mime, media_cache_control(video, name),
                                through_the_app=name.endswith(".vtt"))


def stored_file_response(key: str, mime: str | None, cache_control: str, *,
                         through_the_app: bool = False, download_name: str | None = None):
    """A local file with HTTP Range support (206), or a presigned S3 redirect that expires
    after MASTERY_S3_URL_TTL_S (the store answers it with the same Cache-Control); with
    `download_name`, a download under that name. `through_the_app` reads a (small) stored
    object through the app instead of redirecting to the store."""
    storage = media_storage()
    local = storage.local_path(key)
    if local is not None:
        if not local.is_file():
            raise NotFound("The file is missing from storage.")
        response = send_file(local, mimetype=mime, conditional=True, max_age=0,
                             as_attachment=download_name is not None,
                             download_name=download_name)
        response.response = ClosingBody(response.response)
        response.headers["Cache-Control"] = cache_control
        return response
    if through_the_app:
        response = Response(storage.read_bytes(key), mimetype=mime)
        response.headers["Cache-Control"] = cache_control
        return response
    # Short: a URL handed out before the video was made private works until it expires.
    url = storage.presigned_url(key, expires_s=int(current_app.config["S3_URL_TTL_S"]),
                                cache_control=cache_control, download_name=download_name)
    if url is None:
        raise NotFound("The file is missing from storage.")
    response = redirect(url, code=302)
    # The redirect carries a URL that expires: no cache may replay it, whatever the video.
    response.headers["Cache-Control"] = "private, no-store"
    return response
