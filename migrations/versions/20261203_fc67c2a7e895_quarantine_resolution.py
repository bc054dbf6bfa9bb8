"""quarantine resolution

Revision ID: fc67c2a7e895
Revises: d36a187011f9
Create Date: 2026-12-03 09:46:38.616481

"""
from alembic import op
import sqlalchemy as sa

import webapp.dbtypes


# revision identifiers, used by Alembic.
revision = 'fc67c2a7e895'
down_revision = 'd36a187011f9'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed: nullable columns, nothing to backfill (open items have no resolution).
    with op.batch_alter_table('quarantined_responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolution', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('resolved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('resolution_note', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_quarantined_responses_resolved_by_id_users'), 'users', ['resolved_by_id'], ['id'])




def downgrade():
    # Reviewed: nullable columns, nothing to backfill (open items have no resolution).
    with op.batch_alter_table('quarantined_responses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_quarantined_responses_resolved_by_id_users'), type_='foreignkey')
        batch_op.drop_column('resolution_note')
        batch_op.drop_column('resolved_by_id')
        batch_op.drop_column('resolution')


