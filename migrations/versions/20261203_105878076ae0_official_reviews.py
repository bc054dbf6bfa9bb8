"""official reviews

Reviewed by hand: one new table, nothing else changes.

Revision ID: 105878076ae0
Revises: 258b1d053c09
Create Date: 2026-12-03 12:53:28.828596

"""
from alembic import op
import sqlalchemy as sa

import webapp.dbtypes


# revision identifiers, used by Alembic.
revision = '105878076ae0'
down_revision = '258b1d053c09'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('official_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('decision', sa.String(length=12), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', webapp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_official_reviews_decided_by_id_users')),
    sa.ForeignKeyConstraint(['official_id'], ['officials.id'], name=op.f('fk_official_reviews_official_id_officials')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_official_reviews')),
    sa.UniqueConstraint('official_id', 'period', name=op.f('uq_official_reviews_official_id'))
    )
    with op.batch_alter_table('official_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_official_reviews_official_id'), ['official_id'], unique=False)



def downgrade():
    with op.batch_alter_table('official_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_official_reviews_official_id'))

    op.drop_table('official_reviews')
