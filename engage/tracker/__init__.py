"""You said, we did: statements of what people said, the actions taken, the public board and closing the loop."""

from flask import Blueprint

bp = Blueprint("tracker", __name__)
