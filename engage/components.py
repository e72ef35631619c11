"""The NHS.UK frontend components as template globals, the busiest kept rendered per set of parameters.

Each component is a Jinja macro that builds its HTML through nested imports and small attribute macros:
a five-option radios question costs about 3.7 ms to render, the header and footer 0.3 to 0.5 ms each, and a
resident's question page calls several. The macros are pure functions of their one parameter, so a page
part drawn with the same parameters again (the same question, its options, which one is chosen, the same
error) is the same HTML: the components that pages draw again and again keep their last few hundred
renders in each worker's memory (bench/README.md, "Page parts kept between requests").

Nothing a person typed is kept: a text box with a value is drawn afresh each time, and the parts that can
carry their words (cards, details, panels, inset text, tags, banners, error summaries) are never kept.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from jinja2 import Environment, Undefined
from markupsafe import Markup

# Template folder of each component, and which of its drawings are kept: all of them, only those of an empty
# text box (what a person typed is never kept), or none.
ALWAYS, EMPTY, NEVER = "always", "empty", "never"
COMPONENTS: dict[str, tuple[str, str]] = {
    "backLink": ("back-link", ALWAYS),
    "button": ("button", ALWAYS),
    "card": ("card", NEVER),
    "characterCount": ("character-count", EMPTY),
    "checkboxes": ("checkboxes", ALWAYS),
    "details": ("details", NEVER),
    "errorSummary": ("error-summary", NEVER),
    "footer": ("footer", ALWAYS),
    "header": ("header", ALWAYS),
    "input": ("input", EMPTY),
    "insetText": ("inset-text", NEVER),
    "notificationBanner": ("notification-banner", NEVER),
    "pagination": ("pagination", NEVER),
    "panel": ("panel", NEVER),
    "radios": ("radios", ALWAYS),
    "select": ("select", ALWAYS),
    "skipLink": ("skip-link", ALWAYS),
    "tag": ("tag", NEVER),
    "textarea": ("textarea", EMPTY),
    "warningCallout": ("warning-callout", NEVER),
}
KEPT_PER_COMPONENT = 256


class _Unkeyable(Exception):
    """Parameters holding a value with no fixed text (a lazy translation, a form field): draw afresh."""


class _Key:
    """Hashes and compares by a component's parameters frozen to text; carries the parameters to draw."""

    __slots__ = ("frozen", "hash", "params")

    def __init__(self, params: Any) -> None:
        self.params = params
        self.frozen = _freeze(params)
        self.hash = hash(self.frozen)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self.frozen == other.frozen


def _freeze(value: Any) -> Any:
    """Parameters as nested tuples of text. Markup stays apart from plain text (one is escaped, one is not),
    True from 1, and every undefined value is one marker (the macros only ask whether it is defined)."""
    if isinstance(value, Markup):
        return ("html", str(value))
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return ("dict", tuple((key, _freeze(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return ("list", tuple(_freeze(item) for item in value))
    if isinstance(value, Undefined):
        return Undefined
    if value is None or isinstance(value, bool | int | float):
        return (type(value).__name__, value)
    raise _Unkeyable


def _kept(macro: Callable[[Any], Markup], keep: str) -> Callable[[Any], Markup]:
    draw = lru_cache(maxsize=KEPT_PER_COMPONENT)(lambda key: macro(key.params))

    def component(params: Any) -> Markup:
        if keep == EMPTY and params.get("value"):
            return macro(params)
        try:
            key = _Key(params)
        except _Unkeyable:
            return macro(params)
        return draw(key)

    component.cache_info = draw.cache_info  # type: ignore[attr-defined]
    return component


def register(env: Environment) -> None:
    """Make each component a global of every template (a macro file imported with {% from %} sees it too)."""
    for name, (folder, keep) in COMPONENTS.items():
        macro = getattr(env.get_template(f"nhsuk/components/{folder}/macro.jinja").module, name)
        env.globals[name] = macro if keep == NEVER else _kept(macro, keep)
