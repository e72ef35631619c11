"""embeddings stored by the previous embedding model are removed

Revision ID: a3c1e7d2b904
Revises: 291854e648c5
Create Date: 2026-12-01 22:10:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a3c1e7d2b904'
down_revision = '291854e648c5'
branch_labels = None
depends_on = None


def upgrade():
    # Stored embeddings are now keyed by the embedding version as well as the text, so rows keyed by the
    # text alone (made by the previous model) can never be read again. They are a cache: the next
    # analysis encodes its texts afresh.
    op.execute("DELETE FROM text_embedding")


def downgrade():
    # The previous version keyed rows by the text alone and would read these as its own: clear them too.
    op.execute("DELETE FROM text_embedding")
