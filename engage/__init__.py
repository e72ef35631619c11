"""Engage: co-production and engagement for community mental health services."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader, select_autoescape
from markupsafe import Markup
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, commands and error pages."""
    app = Flask(
        __name__,
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    from engage import config
    from engage.media.storage import EngageRequest

    app.request_class = EngageRequest
    config.load(app, test_config)
    from engage.security import TrustedHosts

    app.wsgi_app = TrustedHosts(app.wsgi_app, app.config["TRUSTED_HOSTS"])  # type: ignore[method-assign]
    if app.config["PROXY_COUNT"]:  # the proxies' headers are read first, so the host checked is the real one
        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    _init_templates(app)
    _init_extensions(app)
    _register_blueprints(app)

    from engage import cli, errors, security, throttle, transaction

    throttle.init_app(app)
    transaction.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    from engage.media.storage import sweep_partial_uploads

    sweep_partial_uploads(app)  # left by a process killed mid-upload
    return app


def _init_templates(app: Flask) -> None:
    # The nhsuk-frontend-jinja macros import each other as "nhsuk/components/...".
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(app.template_folder), PackageLoader("nhsuk_frontend_jinja", package_path="templates")]
    )
    # The NHS.UK macros read nested optional parameters (params.hint.text) that may be absent.
    app.jinja_env.undefined = ChainableUndefined
    # Flask escapes only .html, .htm, .xml, .xhtml and .svg templates, but the NHS.UK macros are .jinja files
    # that print every text, label, hint and value they are given: escape every template (they mark their own
    # `html` parameters safe), except the plain-text emails, which are not HTML.
    app.jinja_env.autoescape = select_autoescape(disabled_extensions=("txt",), default_for_string=True, default=True)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from analysis.plain import check as plain_advice
    from engage import components
    from engage.extensions import interface_language
    from engage.templating import choice_items, filters, link_args, template_globals

    app.context_processor(template_globals)
    app.jinja_env.filters.update(filters())
    # Macros imported with {% from %} see globals but not the request context.
    app.jinja_env.globals["choice_items"] = choice_items
    app.jinja_env.globals["link_args"] = link_args
    app.jinja_env.globals["plain_advice"] = plain_advice
    # Trusted, fixed markup (a phone link) placed into a translated sentence; everything else is escaped.
    app.jinja_env.globals["markup"] = Markup
    app.jinja_env.globals["interface_language"] = interface_language
    components.register(app.jinja_env)


def _init_extensions(app: Flask) -> None:
    from engage.extensions import babel, csrf, db, interface_language, login_manager, migrate

    db.init_app(app)
    babel.init_app(app, locale_selector=interface_language)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    # Importing the models registers their tables for Alembic.
    from engage import audit, throttle  # noqa: F401
    from engage.auth import models as auth_models  # noqa: F401
    from engage.insights import models as insight_models  # noqa: F401
    from engage.media import models as media_models  # noqa: F401
    from engage.notify import models as notify_models  # noqa: F401
    from engage.panels import models as panel_models  # noqa: F401
    from engage.programmes import models as programme_models  # noqa: F401
    from engage.representation import models as representation_models  # noqa: F401
    from engage.rights import models as rights_models  # noqa: F401
    from engage.safeguarding import models as safeguarding_models  # noqa: F401
    from engage.surveys import models as survey_models  # noqa: F401
    from engage.tracker import models as tracker_models  # noqa: F401


# Modules whose import attaches views to their package's blueprint.
VIEW_MODULES = (
    "admin.routes", "annual.routes", "auth.routes", "insights.routes", "media.routes", "pages.routes", "panels.routes",
    "panels.ladder_routes", "panels.people_routes", "programmes.routes", "representation.routes", "rights.routes",
    "safeguarding.routes", "surveys.manage", "surveys.formats_routes", "surveys.language_routes",
    "surveys.results_routes", "surveys.routes", "tracker.routes", "tracker.board",
)  # fmt: skip
BLUEPRINTS = (
    "pages",
    "auth",
    "programmes",
    "admin",
    "surveys",
    "safeguarding",
    "insights",
    "panels",
    "media",
    "tracker",
    "rights",
    "representation",
    "annual",
    "surveys.posters",  # the short links on posters, at /s/
)


class IdConverter(IntegerConverter):
    """`<int:…>` in every route, limited to what a database integer holds: a larger number is a 404, not a 500."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        from engage.forms import MAX_ID

        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def _register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    # Views are imported here, once every model is loaded, so no package pulls in another's views
    # while its own models are half-defined.
    for name in VIEW_MODULES:
        importlib.import_module(f"engage.{name}")
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(f"engage.{name}").bp)
