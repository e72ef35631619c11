"""lists of ids become tables with foreign keys; surveys' panel and cited themes are enforced

Revision ID: c7d1f0a2b3e4
Revises: a3c1e7d2b904
Create Date: 2026-12-04 16:20:00.000000

"""
import json

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c7d1f0a2b3e4'
down_revision = 'a3c1e7d2b904'
branch_labels = None
depends_on = None

EXACTLY_ONE = "(answer_id IS NULL) <> (comment_id IS NULL)"
AT_MOST_ONE = "answer_id IS NULL OR comment_id IS NULL"

# (JSON column's table, column, new table, new table's owner column, new table's id column, referred table)
LISTS = [
    ("analysis_run", "question_ids", "analysis_run_questions", "run_id", "question_id", "question"),
    ("draft_section", "answers_comment_ids", "draft_section_answers", "section_id", "comment_id", "comment"),
    ("meeting", "attended_user_ids", "meeting_attendance", "meeting_id", "user_id", "user"),
]


def _ids(value):
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else list(value)


def _existing(connection, table):
    return {row[0] for row in connection.execute(sa.text(f'SELECT id FROM "{table}"'))}


def upgrade():
    connection = op.get_bind()
    for owner, column, table, owner_id, item_id, referred in LISTS:
        op.create_table(
            table,
            sa.Column(owner_id, sa.Integer(), nullable=False),
            sa.Column(item_id, sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                [owner_id], [f"{owner}.id"], name=op.f(f"fk_{table}_{owner_id}_{owner}"), ondelete="CASCADE"
            ),
            sa.ForeignKeyConstraint(
                [item_id], [f"{referred}.id"], name=op.f(f"fk_{table}_{item_id}_{referred}"), ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint(owner_id, item_id, name=op.f(f"pk_{table}")),
        )
        # Ids that point nowhere any more (their record was deleted) are dropped, as the foreign key would.
        known = _existing(connection, referred)
        rows = connection.execute(sa.text(f'SELECT id, {column} FROM "{owner}"')).all()
        pairs = {(row[0], i) for row in rows for i in _ids(row[1]) if i in known}
        if pairs:
            connection.execute(
                sa.text(f"INSERT INTO {table} ({owner_id}, {item_id}) VALUES (:a, :b)"),
                [{"a": a, "b": b} for a, b in sorted(pairs)],
            )
        with op.batch_alter_table(owner) as batch_op:
            batch_op.drop_column(column)

    op.create_table(
        "theme_quote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(EXACTLY_ONE, name="ck_theme_quote_one_source"),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], name="fk_theme_quote_theme_id_theme", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["answer_id"], ["answer.id"], name="fk_theme_quote_answer_id_answer", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["comment_id"], ["comment.id"], name="fk_theme_quote_comment_id_comment", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_theme_quote"),
    )
    op.create_index("ix_theme_quote_theme_id", "theme_quote", ["theme_id"])
    answers, comments = _existing(connection, "answer"), _existing(connection, "comment")
    quotes = []
    for theme_id, answer_ids, comment_ids in connection.execute(
        sa.text("SELECT id, quote_answer_ids, quote_comment_ids FROM theme")
    ).all():
        sources = [(i, None) for i in _ids(answer_ids) if i in answers]
        sources += [(None, i) for i in _ids(comment_ids) if i in comments]
        quotes += [{"t": theme_id, "p": n, "a": a, "c": c} for n, (a, c) in enumerate(sources)]
    if quotes:
        connection.execute(
            sa.text("INSERT INTO theme_quote (theme_id, position, answer_id, comment_id) VALUES (:t, :p, :a, :c)"),
            quotes,
        )
    with op.batch_alter_table("theme") as batch_op:
        batch_op.drop_column("quote_answer_ids")
        batch_op.drop_column("quote_comment_ids")

    # A theme assignment reads exactly one text; a quote came from at most one (its source may be erased).
    with op.batch_alter_table("theme_assignment") as batch_op:
        batch_op.create_check_constraint(op.f("ck_theme_assignment_one_source"), EXACTLY_ONE)
    with op.batch_alter_table("quote") as batch_op:
        batch_op.create_check_constraint(op.f("ck_quote_one_source"), AT_MOST_ONE)

    # A survey for a panel names a panel that exists.
    connection.execute(sa.text("UPDATE survey SET panel_id = NULL WHERE panel_id NOT IN (SELECT id FROM panel)"))
    with op.batch_alter_table("survey") as batch_op:
        batch_op.create_foreign_key(op.f("fk_survey_panel_id_panel"), "panel", ["panel_id"], ["id"], ondelete="SET NULL")

    # A theme that a statement cites cannot be deleted (it was deleted, and the citation with it).
    with op.batch_alter_table("you_said_themes") as batch_op:
        batch_op.drop_constraint(op.f("fk_you_said_themes_theme_id_theme"), type_="foreignkey")
        batch_op.create_foreign_key(op.f("fk_you_said_themes_theme_id_theme"), "theme", ["theme_id"], ["id"])


def downgrade():
    connection = op.get_bind()
    with op.batch_alter_table("you_said_themes") as batch_op:
        batch_op.drop_constraint(op.f("fk_you_said_themes_theme_id_theme"), type_="foreignkey")
        batch_op.create_foreign_key(
            op.f("fk_you_said_themes_theme_id_theme"), "theme", ["theme_id"], ["id"], ondelete="CASCADE"
        )
    with op.batch_alter_table("survey") as batch_op:
        batch_op.drop_constraint(op.f("fk_survey_panel_id_panel"), type_="foreignkey")
    with op.batch_alter_table("quote") as batch_op:
        batch_op.drop_constraint(op.f("ck_quote_one_source"), type_="check")
    with op.batch_alter_table("theme_assignment") as batch_op:
        batch_op.drop_constraint(op.f("ck_theme_assignment_one_source"), type_="check")

    with op.batch_alter_table("theme") as batch_op:
        batch_op.add_column(sa.Column("quote_answer_ids", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("quote_comment_ids", sa.JSON(), nullable=False, server_default="[]"))
    quotes = {}
    for theme_id, answer_id, comment_id in connection.execute(
        sa.text("SELECT theme_id, answer_id, comment_id FROM theme_quote ORDER BY theme_id, position")
    ).all():
        answers, comments = quotes.setdefault(theme_id, ([], []))
        (answers if answer_id is not None else comments).append(answer_id if answer_id is not None else comment_id)
    for theme_id, (answers, comments) in quotes.items():
        connection.execute(
            sa.text("UPDATE theme SET quote_answer_ids = :a, quote_comment_ids = :c WHERE id = :t").bindparams(
                sa.bindparam("a", type_=sa.JSON()), sa.bindparam("c", type_=sa.JSON())
            ),
            {"a": answers, "c": comments, "t": theme_id},
        )
    op.drop_index("ix_theme_quote_theme_id", table_name="theme_quote")
    op.drop_table("theme_quote")

    for owner, column, table, owner_id, item_id, _ in reversed(LISTS):
        with op.batch_alter_table(owner) as batch_op:
            batch_op.add_column(sa.Column(column, sa.JSON(), nullable=False, server_default="[]"))
        lists = {}
        query = sa.text(f"SELECT {owner_id}, {item_id} FROM {table} ORDER BY {owner_id}, {item_id}")
        for a, b in connection.execute(query):
            lists.setdefault(a, []).append(b)
        update = sa.text(f'UPDATE "{owner}" SET {column} = :ids WHERE id = :a')
        for a, ids in lists.items():
            connection.execute(update.bindparams(sa.bindparam("ids", type_=sa.JSON())), {"ids": ids, "a": a})
        op.drop_table(table)
