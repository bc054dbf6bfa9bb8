"""flag reviews

Reviewed by hand: one new table (decisions on flagged responses), nothing else changes.

Revision ID: a30ccea9f449
Revises: a7e131f86a00
Create Date: 2026-12-03 15:55:27.037382

"""
from alembic import op
import sqlalchemy as sa

import webapp.dbtypes


# revision identifiers, used by Alembic.
revision = 'a30ccea9f449'
down_revision = 'a7e131f86a00'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('flag_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', webapp.dbtypes.UUIDKey(length=16), nullable=False),
    sa.Column('decision', sa.String(length=12), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', webapp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_flag_reviews_decided_by_id_users')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_flag_reviews_response_id_responses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flag_reviews'))
    )
    with op.batch_alter_table('flag_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flag_reviews_response_id'), ['response_id'], unique=False)



def downgrade():
    with op.batch_alter_table('flag_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flag_reviews_response_id'))

    op.drop_table('flag_reviews')
