"""A file someone uploaded, kept under a name the server made."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engage.extensions import db
from engage.modeltypes import db_enum
from engage.timeutil import utcnow


class MediaKind(enum.StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    CAPTIONS = "captions"


class MediaFile(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MediaKind] = mapped_column(db_enum(MediaKind))
    content_type: Mapped[str] = mapped_column(String(40))
    # Random, with the extension that matches the checked content; the uploader's file name is never used.
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    # Private files (a resident's BSL answer) are served only to people who manage this programme.
    private: Mapped[bool] = mapped_column(default=False)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
