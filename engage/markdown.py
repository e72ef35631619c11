"""Markdown written by leads, rendered safely: raw HTML is escaped, then the result is sanitised."""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "a", "code", "pre", "hr"}


@cache
def _parser() -> MarkdownIt:
    # "html": False escapes any HTML typed into the Markdown; markdown-it also refuses javascript: links.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


def render(text: str) -> Markup:
    """HTML for display: CommonMark, no raw HTML, no images, only safe tags and http(s)/mailto links."""
    html = _parser().render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    # Sanitised by nh3 on the line above.
    return Markup(clean)  # noqa: S704  # nosec B704
