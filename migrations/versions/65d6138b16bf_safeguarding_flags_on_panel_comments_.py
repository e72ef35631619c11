"""safeguarding flags on panel comments and applications, review and escalation times

Revision ID: 65d6138b16bf
Revises: 4e358a758cc6
Create Date: 2026-12-04 19:33:59.658176

"""
from alembic import op
import sqlalchemy as sa


# Exactly one of the three sources (CASE, because PostgreSQL does not add booleans); as in the model.
ONE_SOURCE = " + ".join(
    f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)" for column in ("answer_id", "comment_id", "application_id")
) + " = 1"

# revision identifiers, used by Alembic.
revision = '65d6138b16bf'
down_revision = '4e358a758cc6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('safeguarding_flag', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('application_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', sa.DateTime(), nullable=True))
        batch_op.alter_column('response_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.alter_column('answer_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_safeguarding_flag_comment_id'), ['comment_id'])
        batch_op.create_foreign_key(batch_op.f('fk_safeguarding_flag_comment_id_comment'), 'comment', ['comment_id'], ['id'], ondelete='CASCADE')
        batch_op.create_unique_constraint(batch_op.f('uq_safeguarding_flag_application_id'), ['application_id'])
        batch_op.create_foreign_key(batch_op.f('fk_safeguarding_flag_application_id_application'), 'application', ['application_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint('one_source', ONE_SOURCE)


def downgrade():
    # Flags on panel comments and applications have no place in the old table: they go (answer flags stay).
    op.execute("DELETE FROM safeguarding_flag WHERE comment_id IS NOT NULL OR application_id IS NOT NULL")
    with op.batch_alter_table('safeguarding_flag', schema=None) as batch_op:
        batch_op.drop_constraint('one_source', type_='check')
        batch_op.drop_constraint(batch_op.f('fk_safeguarding_flag_application_id_application'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_safeguarding_flag_application_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_safeguarding_flag_comment_id_comment'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_safeguarding_flag_comment_id'), type_='unique')
        batch_op.alter_column('answer_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.alter_column('response_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('comment_id')
        batch_op.drop_column('application_id')
