"""split wards: all their successors

Reviewed by hand: one new table, unit_successors (a ward of 2024 split between several wards of
2025, every ward it fed); no existing table is altered. A database seeded before this revision
gets its splits from the packaged unit list here (only for wards it has, each row once); a
later `flask demo seed` / units import keeps them up to date.

Revision ID: 6c257347f823
Revises: 132d767306f5
Create Date: 2026-12-03 15:50:26.637815

"""
import json
from pathlib import Path

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6c257347f823'
down_revision = '132d767306f5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unit_successors',
    sa.Column('predecessor_id', sa.Integer(), nullable=False),
    sa.Column('successor_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['predecessor_id'], ['units.id'], name=op.f('fk_unit_successors_predecessor_id_units'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['successor_id'], ['units.id'], name=op.f('fk_unit_successors_successor_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('predecessor_id', 'successor_id', name=op.f('pk_unit_successors'))
    )
    _record_packaged_splits()


def _record_packaged_splits():
    data = json.loads(
        (Path(__file__).resolve().parents[2] / "webapp" / "data" / "units.json").read_text("utf-8")
    )
    new_slugs = {ward["slug"] for ward in data.get("wards_after_2025_merger") or []}
    conn = op.get_bind()
    ids = dict(conn.execute(sa.text("SELECT slug, id FROM units")).all())
    rows = []
    for ward in data.get("wards") or []:
        successors = ward.get("merged_into_2025") or []
        # The import gives a 2024 ward whose name lives on in a new ward its file id as slug.
        slug = ward["id"] if ward["slug"] in new_slugs else ward["slug"]
        if len(successors) > 1 and slug in ids and all(s in ids for s in successors):
            rows += [{"p": ids[slug], "s": ids[s]} for s in dict.fromkeys(successors)]
    if rows:
        conn.execute(
            sa.text("INSERT INTO unit_successors (predecessor_id, successor_id) VALUES (:p, :s)"),
            rows,
        )


def downgrade():
    op.drop_table('unit_successors')
