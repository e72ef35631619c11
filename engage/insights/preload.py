"""Everything an analysis job needs, loaded once by the process jobs are forked from (`jobs.warm`) or by an
RQ worker (`flask --app wsgi worker`), so each job starts at once: the libraries (BERTopic brings in torch),
the app's own modules, and the models the analysis reads (embeddings, sentiment, the safeguarding screen and its reader,
the name lists of redaction). Importing this module does the loading; nothing else should import it.
"""

import secrets

import bertopic  # noqa: F401
import sklearn.cluster
import sklearn.decomposition
import sklearn.feature_extraction.text  # noqa: F401

from analysis import redact, safeguarding, sentiment
from engage import create_app

# An app that is never served: building it imports every blueprint's modules.
create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": secrets.token_hex(32)})
sentiment.assess_all(["The staff were kind, but I waited a long time."])  # embeddings, both models
# The safeguarding screen's second look (its ONNX session runs on the calling thread and starts no thread
# pool, so forked jobs can use it).
safeguarding.read_closely(["I can't go on"])
redact.scrub("My nurse Sarah Jones")  # the name lists and the lexicon
# No themes are found here: clustering starts OpenMP's threads, which a forked job could not use again.
