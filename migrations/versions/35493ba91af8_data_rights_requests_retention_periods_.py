"""data rights requests, retention periods, quotes removed on request

Revision ID: 35493ba91af8
Revises: 65d6138b16bf
Create Date: 2026-12-04 21:51:11.863467

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '35493ba91af8'
down_revision = '65d6138b16bf'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('retention_period',
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_retention_period_changed_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_retention_period'))
    )
    op.create_table('rights_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('exported_at', sa.DateTime(), nullable=True),
    sa.Column('erased_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('outcome', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_rights_request_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rights_request'))
    )
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.drop_column('removed_at')

    op.drop_table('rights_request')
    op.drop_table('retention_period')
