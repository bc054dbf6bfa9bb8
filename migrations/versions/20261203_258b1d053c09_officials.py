"""officials

Reviewed by hand. Two new tables, and nullable `official_id` columns on responses and users.
On PostgreSQL batch mode is a plain ALTER TABLE; on SQLite it rebuilds the two tables (with
foreign keys off meanwhile, see upgrade()). Old responses keep NULL (nobody was named), so
the counts need no rebuild: only responses naming an official add to the per-official facets.

Revision ID: 258b1d053c09
Revises: 0a1e79e4a226
Create Date: 2026-12-03 12:28:17.814417

"""
from alembic import op
import sqlalchemy as sa

import webapp.dbtypes


# revision identifiers, used by Alembic.
revision = '258b1d053c09'
down_revision = '0a1e79e4a226'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('officials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('pin_hash', sa.String(length=255), nullable=True),
    sa.Column('created_at', webapp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_officials_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_officials')),
    sa.UniqueConstraint('code', name=op.f('uq_officials_code'))
    )
    with op.batch_alter_table('officials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_officials_unit_id'), ['unit_id'], unique=False)

    op.create_table('official_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('from_unit_id', sa.Integer(), nullable=False),
    sa.Column('to_unit_id', sa.Integer(), nullable=False),
    sa.Column('moved_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', webapp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['from_unit_id'], ['units.id'], name=op.f('fk_official_moves_from_unit_id_units')),
    sa.ForeignKeyConstraint(['official_id'], ['officials.id'], name=op.f('fk_official_moves_official_id_officials')),
    sa.ForeignKeyConstraint(['to_unit_id'], ['units.id'], name=op.f('fk_official_moves_to_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_official_moves'))
    )
    with op.batch_alter_table('official_moves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_official_moves_official_id'), ['official_id'], unique=False)

    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        # SQLite adds a foreign-key column only by rebuilding the table (batch mode), and the
        # rebuild of "users" drops a table that others reference: foreign keys off meanwhile
        # (migrations run outside a transaction on SQLite, so the pragma takes effect).
        op.execute('PRAGMA foreign_keys=OFF')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('official_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_responses_official_id'), ['official_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_responses_official_id_officials'), 'officials', ['official_id'], ['id'])
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('official_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_official_id_officials'), 'officials', ['official_id'], ['id'])
    if sqlite:
        op.execute('PRAGMA foreign_keys=ON')


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.execute('PRAGMA foreign_keys=OFF')  # as in upgrade()
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_official_id_officials'), type_='foreignkey')
        batch_op.drop_column('official_id')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_responses_official_id_officials'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_responses_official_id'))
        batch_op.drop_column('official_id')
    if sqlite:
        op.execute('PRAGMA foreign_keys=ON')

    with op.batch_alter_table('official_moves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_official_moves_official_id'))
    op.drop_table('official_moves')
    with op.batch_alter_table('officials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_officials_unit_id'))
    op.drop_table('officials')
