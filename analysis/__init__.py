"""Text analysis for Engage: safeguarding screening, redaction, sentiment and themes.

A plain library: texts in, results out. It never imports Flask, SQLAlchemy or the web app,
and heavy dependencies are imported inside the functions that need them.
"""
