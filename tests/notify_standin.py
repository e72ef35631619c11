"""A local stand-in for the GOV.UK Notify API, which cannot be reached from the test machines.

It speaks the real API's v2 routes for sending an email and a text message: it checks the JSON Web Token the
real service checks (HS256, signed with the key's secret, issued by the service id, at most 30 seconds old),
refuses what Notify refuses with Notify's error bodies, and answers a send with the same 201 body. Tests can make
it fail the next requests, as the real service does when it is down.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import TokenError
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

SERVICE_ID = str(uuid.UUID(int=1))
SECRET = str(uuid.UUID(int=2))
API_KEY = f"engage_tests-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE = str(uuid.UUID(int=3))
SMS_TEMPLATE = str(uuid.UUID(int=4))
# Notify accepts UK mobiles (and international numbers when a service allows them; this one does not).
UK_MOBILE = re.compile(r"^(?:\+44|0044|0)7\d{9}$")


@dataclass
class StandIn:
    url: str = ""
    sent: list[dict[str, Any]] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)  # statuses to answer the next requests with

    def fail_next(self, count: int, status: int = 500) -> None:
        self.failures.extend([status] * count)

    def texts(self) -> list[dict[str, Any]]:
        return [s for s in self.sent if "phone_number" in s]

    def emails(self) -> list[dict[str, Any]]:
        return [s for s in self.sent if "email_address" in s]

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.handle(Request(environ))(environ, start_response)

    def handle(self, request: Request) -> Response:
        kind = {"/v2/notifications/email": "email", "/v2/notifications/sms": "sms"}.get(request.path)
        if request.method != "POST" or kind is None:
            return _error(404, "NotFoundError", "Not found")
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            if get_token_issuer(token) != SERVICE_ID:
                return _error(403, "AuthError", "Invalid token: service not found")
            decode_jwt_token(token, SECRET)
        except TokenError as error:
            return _error(403, "AuthError", error.message)
        if self.failures:
            status = self.failures.pop(0)
            return _error(status, "Exception" if status >= 500 else "RateLimitError", "Internal server error")
        body = request.get_json(silent=True) or {}
        template = EMAIL_TEMPLATE if kind == "email" else SMS_TEMPLATE
        if body.get("template_id") != template:
            return _error(400, "BadRequestError", "Template not found")
        if kind == "sms" and not UK_MOBILE.match(re.sub(r"[\s()-]", "", str(body.get("phone_number", "")))):
            return _error(400, "ValidationError", "phone_number Not a UK mobile number")
        if kind == "email" and "@" not in str(body.get("email_address", "")):
            return _error(400, "ValidationError", "email_address Not a valid email address")
        self.sent.append(body)
        ident = str(uuid.uuid4())
        content = body.get("personalisation", {})
        answer = {
            "id": ident,
            "reference": body.get("reference"),
            "content": {"body": content.get("body", "")}
            | ({"subject": content.get("subject", "")} if kind == "email" else {"from_number": "GOVUK"}),
            "uri": f"{self.url}/v2/notifications/{ident}",
            "template": {"id": template, "version": 1, "uri": f"{self.url}/services/{SERVICE_ID}/templates/{template}"},
        }
        return Response(json.dumps(answer), status=201, content_type="application/json")


def _error(status: int, error: str, message: str) -> Response:
    body = {"status_code": status, "errors": [{"error": error, "message": message}]}
    return Response(json.dumps(body), status=status, content_type="application/json")


@contextmanager
def running() -> Iterator[StandIn]:
    """The stand-in, listening on a free local port for as long as the block runs."""
    stand_in = StandIn()
    server = make_server("127.0.0.1", 0, stand_in)
    stand_in.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        server.shutdown()
        thread.join()
