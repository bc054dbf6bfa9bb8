"""field surveys: surveyor devices, survey mode, field responses

A surveyor's phone is a row of `kiosks` with `surveyor_id` set; surveys get a `mode` ("kiosk"
for every existing one, "field" for the new questionnaires); field interviews are stored in
their own table so that no kiosk figure ever counts them.

Revision ID: 6e72902f5a7c
Revises: 4a06d5b044a3
Create Date: 2026-12-03 18:26:00.210682

"""
from alembic import op
import sqlalchemy as sa

import webapp.dbtypes


# revision identifiers, used by Alembic.
revision = '6e72902f5a7c'
down_revision = '4a06d5b044a3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('field_responses',
    sa.Column('id', webapp.dbtypes.UUIDKey(length=16), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('surveyor_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('survey_version_id', sa.Integer(), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('device_started_at', webapp.dbtypes.UTCDateTime(timezone=True), nullable=True),
    sa.Column('device_submitted_at', webapp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', webapp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', webapp.dbtypes.UTCDateTime(timezone=True), nullable=False),
    sa.Column('clock_skew_seconds', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['kiosks.id'], name=op.f('fk_field_responses_device_id_kiosks')),
    sa.ForeignKeyConstraint(['survey_version_id'], ['survey_versions.id'], name=op.f('fk_field_responses_survey_version_id_survey_versions')),
    sa.ForeignKeyConstraint(['surveyor_id'], ['users.id'], name=op.f('fk_field_responses_surveyor_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_field_responses_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_responses'))
    )
    with op.batch_alter_table('field_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_responses_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_responses_surveyor_id'), ['surveyor_id'], unique=False)
        batch_op.create_index('ix_field_responses_unit_version_time', ['unit_id', 'survey_version_id', 'submitted_at'], unique=False)

    # The foreign key makes batch mode rebuild "kiosks" on SQLite, and the rebuild drops a table
    # that responses and the quarantine reference: foreign keys off meanwhile.
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table('kiosks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('surveyor_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_kiosks_surveyor_id'), ['surveyor_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_kiosks_surveyor_id_users'), 'users', ['surveyor_id'], ['id'])

    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=8), server_default='kiosk', nullable=False))
    if sqlite:
        op.execute("PRAGMA foreign_keys=ON")


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_column('mode')

    with op.batch_alter_table('kiosks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_kiosks_surveyor_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_kiosks_surveyor_id'))
        batch_op.drop_column('surveyor_id')
    if sqlite:
        op.execute("PRAGMA foreign_keys=ON")

    with op.batch_alter_table('field_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_field_responses_unit_version_time')
        batch_op.drop_index(batch_op.f('ix_field_responses_surveyor_id'))
        batch_op.drop_index(batch_op.f('ix_field_responses_device_id'))

    op.drop_table('field_responses')
