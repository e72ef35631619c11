"""How long a failed sign-in takes for a registered address and for an unknown one.

If the two differ, the sign-in page tells anyone whether an address has an account, which for a panel
member discloses lived experience of mental illness. Prints the median and spread of each (seconds).

    .venv/bin/python bench/signin.py [--tries 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engage import create_app  # noqa: E402
from engage.auth.models import Role, User  # noqa: E402
from engage.extensions import db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=30)
    tries = parser.parse_args().tries
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench-secret-key-long-enough-0123456789",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite'}",
                "UPLOAD_DIR": str(Path(folder) / "uploads"),
                "WTF_CSRF_ENABLED": False,
                "LOGIN_CLIENT_LIMITS": "100000 per minute",
            }
        )
        with app.app_context():
            db.create_all()
            user = User(email="known@example.org", name="Known", role=Role.MEMBER)
            user.set_password("the right password")
            db.session.add(user)
            db.session.commit()
        client = app.test_client()
        times: dict[str, list[float]] = {"registered": [], "unknown": []}
        for n in range(tries):
            # A new address each time for the unknown case, and alternating order, so neither meets the wait
            # that repeated failures bring (the registered address is reset after each try).
            for kind, email in (("registered", "known@example.org"), ("unknown", f"nobody{n}@example.org")):
                start = time.perf_counter()
                client.post("/login", data={"email": email, "password": "a wrong password"})
                times[kind].append(time.perf_counter() - start)
            with app.app_context():
                db.session.execute(db.text("DELETE FROM login_failure"))
                db.session.commit()
        for kind, values in times.items():
            print(
                f"{kind:>10}: median {statistics.median(values):.3f} s, "
                f"min {min(values):.3f} s, max {max(values):.3f} s ({tries} tries)"
            )
        ratio = statistics.median(times["unknown"]) / statistics.median(times["registered"])
        print(f"unknown / registered: {ratio:.2f}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
