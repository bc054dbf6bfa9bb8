"""audit hash chain: seq, prev_hash, entry_hash on every entry; a one-row chain head

Revision ID: d36a187011f9
Revises: 0cbd8b70c41f
Create Date: 2026-12-03 09:08:42.064870

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd36a187011f9'
down_revision = '0cbd8b70c41f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    # Nullable first: entries written before the chain existed are chained below, in id order.
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('entry_hash', sa.String(length=64), nullable=True))
    _chain_existing_entries(op.get_bind())
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('entry_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_seq'), ['seq'])


def _chain_existing_entries(bind):
    """Seal the entries already written with the application's own hash (one definition)."""
    from webapp.audit.chain import GENESIS, content_hash
    from webapp.dbtypes import UTCDateTime

    events = sa.table(
        'audit_events',
        sa.column('id', sa.Integer), sa.column('seq', sa.Integer),
        sa.column('at', UTCDateTime), sa.column('action', sa.String),
        sa.column('actor_user_id', sa.Integer), sa.column('actor_kiosk_id', sa.Integer),
        sa.column('actor_label', sa.String), sa.column('unit_id', sa.Integer),
        sa.column('target', sa.String), sa.column('details', sa.JSON), sa.column('ip', sa.String),
        sa.column('prev_hash', sa.String), sa.column('entry_hash', sa.String),
    )
    prev, seq = GENESIS, 0
    rows = bind.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    for row in rows:
        seq += 1
        fields = {**row, 'seq': seq}
        entry_hash = content_hash(fields, prev)
        bind.execute(
            events.update().where(events.c.id == row['id'])
            .values(seq=seq, prev_hash=prev, entry_hash=entry_hash)
        )
        prev = entry_hash
    bind.execute(sa.text('INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, :seq, :hash)'),
                 {'seq': seq, 'hash': prev})


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_seq'), type_='unique')
        batch_op.drop_column('entry_hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')

    op.drop_table('audit_chain_head')
