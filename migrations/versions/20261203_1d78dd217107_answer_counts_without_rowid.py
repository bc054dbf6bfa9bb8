"""answer counts without rowid

Written by hand. SQLite only: `answer_counts` becomes a WITHOUT ROWID table, so the counts live
in the primary key's b-tree and a figure's index range needs no lookup per row. The table is
rebuilt with the same columns, key and constraints (copy, drop, rename). PostgreSQL is left
as it is (no such storage option). Downgrade rebuilds it as an ordinary table.

Revision ID: 1d78dd217107
Revises: 105878076ae0
Create Date: 2026-12-03 13:23:07.851038

"""
from alembic import op
import sqlalchemy as sa

import webapp.dbtypes


# revision identifiers, used by Alembic.
revision = '1d78dd217107'
down_revision = '105878076ae0'
branch_labels = None
depends_on = None


def _rebuild(without_rowid: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    ddl = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'answer_counts'")
    ).scalar_one()
    ddl = ddl.rstrip().removesuffix('WITHOUT ROWID').rstrip()
    op.execute('ALTER TABLE answer_counts RENAME TO answer_counts_old')
    op.execute(ddl + (' WITHOUT ROWID' if without_rowid else ''))
    op.execute('INSERT INTO answer_counts SELECT * FROM answer_counts_old')
    op.execute('DROP TABLE answer_counts_old')


def upgrade():
    _rebuild(without_rowid=True)


def downgrade():
    _rebuild(without_rowid=False)
