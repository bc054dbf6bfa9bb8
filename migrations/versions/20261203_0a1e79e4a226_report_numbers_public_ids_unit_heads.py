"""report numbers, public ids, unit heads

Reviewed by hand: new nullable columns and one new table. Reports signed before this
revision keep NULL numbers and ids (they were issued without them; /verify still finds them
by their SHA-256). The unique constraint on (issuer_key, number_year, number) ignores them,
as NULLs are distinct on both SQLite and PostgreSQL.

Revision ID: 0a1e79e4a226
Revises: fc67c2a7e895
Create Date: 2026-12-03 12:05:56.011359

"""
from alembic import op
import sqlalchemy as sa

import webapp.dbtypes


# revision identifiers, used by Alembic.
revision = '0a1e79e4a226'
down_revision = 'fc67c2a7e895'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document_sequences',
    sa.Column('issuer_key', sa.String(length=100), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('issuer_key', 'year', name=op.f('pk_document_sequences'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issuer_key', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('number_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('number', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('number_text', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('public_id', sa.String(length=24), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_reports_issuer_key'), ['issuer_key', 'number_year', 'number'])
        batch_op.create_unique_constraint(batch_op.f('uq_reports_public_id'), ['public_id'])

    # Plain ALTER TABLE, not batch mode: on SQLite batch mode rebuilds the table, and
    # "units" is referenced by every other table (the DROP fails with foreign keys on).
    op.add_column('units', sa.Column('head_name', sa.String(length=200), nullable=True))



def downgrade():
    op.drop_column('units', 'head_name')  # SQLite >= 3.35 drops columns in place

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_reports_public_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_reports_issuer_key'), type_='unique')
        batch_op.drop_column('public_id')
        batch_op.drop_column('number_text')
        batch_op.drop_column('number')
        batch_op.drop_column('number_year')
        batch_op.drop_column('issuer_key')

    op.drop_table('document_sequences')
