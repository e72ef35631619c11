"""what each analysed comment does (praise, complaint, suggestion...), and the themes leads merged or split

Revision ID: 9b2e4c71d5a0
Revises: 35493ba91af8
Create Date: 2026-12-07 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "9b2e4c71d5a0"
down_revision = "35493ba91af8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "theme_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("machine_label", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("detail", sa.String(length=600), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["analysis_run.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("theme_outcome", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theme_outcome_run_id"), ["run_id"], unique=False)
    with op.batch_alter_table("theme_assignment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=12), nullable=False, server_default="other"))
    # Runs made before this read no suggestions: their comments' kinds come from their sentiment alone.
    op.execute(
        "UPDATE theme_assignment SET kind = CASE sentiment_label WHEN 'positive' THEN 'praise' "
        "WHEN 'negative' THEN 'complaint' WHEN 'distress' THEN 'complaint' WHEN 'mixed' THEN 'mixed' "
        "ELSE 'other' END"
    )


def downgrade():
    with op.batch_alter_table("theme_outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_outcome_run_id"))
    op.drop_table("theme_outcome")
    with op.batch_alter_table("theme_assignment", schema=None) as batch_op:
        batch_op.drop_column("kind")
