"""Check uploads by their content, then store them atomically under server-made names."""

from __future__ import annotations

import math
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from flask import Flask, Request, current_app
from sqlalchemy import func, select

from engage.config import private_folder
from engage.exceptions import EngageError
from engage.extensions import db
from engage.media.models import MediaFile, MediaKind
from engage.transaction import TEMPORARY_PREFIX, delete_after_commit, keep_after_commit, sweep_stale

SNIFF_BYTES = 64
# Room for the form's other fields alongside a video of the largest allowed size.
FORM_ALLOWANCE = 256 * 1024
MAX_CAPTIONS_BYTES = 512 * 1024
# Under MAX_CONTENT_LENGTH, so a picture that is too big gets this message on its own form.
MAX_IMAGE_BYTES = 3 * 1024 * 1024 // 2


F = TypeVar("F", bound=Callable[..., Any])


class UploadError(EngageError):
    """The upload cannot be accepted; the message says why in plain English."""


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    extension: str


def sniff(head: bytes) -> Sniffed | None:
    """What a file really is, from its first bytes (never from its name or the browser's claim)."""
    if head[4:8] == b"ftyp":
        return Sniffed("video/mp4", ".mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:SNIFF_BYTES]:
        return Sniffed("video/webm", ".webm")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", ".png")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", ".jpg")
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return Sniffed("image/webp", ".webp")
    text = head.removeprefix(b"\xef\xbb\xbf")
    if text.startswith(b"WEBVTT") and (len(text) == 6 or text[6:7] in (b" ", b"\t", b"\n", b"\r")):
        return Sniffed("text/vtt", ".vtt")
    return None


# What each kind accepts, its size limit (a config key or bytes) and how to describe it to people.
RULES: dict[MediaKind, tuple[tuple[str, ...], str | int, str]] = {
    MediaKind.VIDEO: (("video/mp4", "video/webm"), "VIDEO_MAX_BYTES", "an MP4 or WebM video"),
    MediaKind.IMAGE: (("image/png", "image/jpeg", "image/webp"), MAX_IMAGE_BYTES, "a PNG, JPEG or WebP picture"),
    MediaKind.CAPTIONS: (("text/vtt",), MAX_CAPTIONS_BYTES, "a WebVTT captions file (.vtt)"),
}


def describe_size(size: int) -> str:
    """1.5 MB, 100 MB, 512 KB: the limit as people read it, never rounded up past what is accepted."""
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    megabytes = math.floor(size / (1024 * 1024) * 10) / 10
    return f"{megabytes:g} MB"


def stored_bytes() -> int:
    """All stored files together, against UPLOAD_BUDGET_BYTES: a full disk would stop everyone's work."""
    return db.session.execute(select(func.coalesce(func.sum(MediaFile.size), 0))).scalar_one()


def limit_for(kind: MediaKind) -> int:
    limit = RULES[kind][1]
    return int(current_app.config[limit]) if isinstance(limit, str) else limit


def upload_dir(app: Flask | None = None) -> Path:
    app = app or current_app
    return private_folder(Path(app.config.get("UPLOAD_DIR") or Path(app.instance_path) / "uploads"))


def sweep_partial_uploads(app: Flask | None = None) -> int:
    """Remove the temporary files of uploads whose process died before finishing; returns how many."""
    return sweep_stale(upload_dir(app))


def store(stream: IO[bytes], kind: MediaKind, *, private: bool = False, programme_id: int | None = None) -> MediaFile:
    """Check and store an upload; adds the MediaFile to the session.

    The bytes go to a temporary file in the upload folder, which is renamed into place only when the
    transaction commits (`engage.transaction`), so a failed upload or request leaves nothing behind.
    """
    accepted, _, described = RULES[kind]
    limit = limit_for(kind)
    head = stream.read(SNIFF_BYTES)
    if not head:
        raise UploadError("The selected file is empty")
    sniffed = sniff(head)
    if sniffed is None or sniffed.content_type not in accepted:
        raise UploadError(f"The selected file must be {described}")
    folder = upload_dir()
    handle = tempfile.NamedTemporaryFile(dir=folder, prefix=TEMPORARY_PREFIX, delete=False)  # noqa: SIM115
    try:
        size = _copy(stream, handle, head, limit)
        if size > limit:
            raise UploadError(f"The selected file must be smaller than {describe_size(limit)}")
        if stored_bytes() + size > int(current_app.config["UPLOAD_BUDGET_BYTES"]):
            current_app.logger.warning("Upload refused: the upload budget (UPLOAD_BUDGET_BYTES) is spent")
            raise UploadError("Engage cannot take more files just now. Try again later, or ask the engagement team")
        if kind == MediaKind.CAPTIONS:
            _check_captions(Path(handle.name))
        stored_name = secrets.token_urlsafe(24) + sniffed.extension
        keep_after_commit(Path(handle.name), folder / stored_name)
    except BaseException:
        handle.close()
        Path(handle.name).unlink(missing_ok=True)
        raise
    media = MediaFile(
        kind=kind,
        content_type=sniffed.content_type,
        stored_name=stored_name,
        size=size,
        private=private,
        programme_id=programme_id,
    )
    db.session.add(media)
    return media


def _copy(stream: IO[bytes], handle: IO[bytes], head: bytes, limit: int) -> int:
    """Copy the upload, stopping as soon as it passes the limit."""
    with handle:
        handle.write(head)
        size = len(head)
        while size <= limit and (chunk := stream.read(1024 * 1024)):
            handle.write(chunk)
            size += len(chunk)
    return size


def _check_captions(path: Path) -> None:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise UploadError("The captions file must be saved as UTF-8 text") from error


def path_of(media: MediaFile) -> Path:
    return upload_dir() / media.stored_name


def discard(media: MediaFile | None) -> None:
    """Delete a replaced or deleted file's row now and the file itself once that is committed."""
    if media is not None:
        delete_after_commit(path_of(media))
        db.session.delete(media)


def accepts_video(view: F) -> F:
    """Mark a view whose form may carry a video, so its requests may be as large as a video."""
    view.accepts_video = True  # type: ignore[attr-defined]
    return view


def accepts_lookup(view: F) -> F:
    """Mark a view that takes a postcode lookup, a spreadsheet larger than a form but smaller than a video."""
    view.accepts_lookup = True  # type: ignore[attr-defined]
    return view


def takes_video(endpoint: str | None) -> bool:
    return getattr(current_app.view_functions.get(endpoint or ""), "accepts_video", False)


class EngageRequest(Request):
    """Requests are small (MAX_CONTENT_LENGTH), except to views that accept a video or a postcode lookup.

    Every temporary file made for an upload is closed at the end of the request, including the
    part-file of an upload that was cut off, which the form parser drops without closing.
    """

    def _get_file_stream(
        self, total_content_length: int | None, content_type: str | None, filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:  # fmt: skip
        stream = super()._get_file_stream(total_content_length, content_type, filename, content_length)
        self.__dict__.setdefault("_upload_streams", []).append(stream)
        return stream

    def close(self) -> None:
        super().close()
        for stream in self.__dict__.get("_upload_streams", []):
            stream.close()

    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        if takes_video(self.endpoint):
            return int(current_app.config["VIDEO_MAX_BYTES"]) + FORM_ALLOWANCE
        if getattr(current_app.view_functions.get(self.endpoint or ""), "accepts_lookup", False):
            return int(current_app.config["LOOKUP_MAX_BYTES"]) + FORM_ALLOWANCE
        return current_app.config["MAX_CONTENT_LENGTH"]
