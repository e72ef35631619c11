"""The least a Flask page can cost: the ceiling that bench/submit.py measures Engage against.

Served by gunicorn with the same settings as Engage (`gunicorn --pythonpath bench bare:app`).
"""

from flask import Flask

app = Flask(__name__)
PAGE = "<!DOCTYPE html><html lang='en'><head><title>Bare</title></head><body><p>Hello</p></body></html>"


@app.route("/")
def page() -> str:
    """A small fixed HTML page: no database, no template, no session."""
    return PAGE
