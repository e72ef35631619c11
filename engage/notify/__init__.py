"""Notifications by email: an outbox table in development, SMTP when configured."""
