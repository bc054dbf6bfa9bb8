"""contacts: consented follow-up contacts (SPEC 13), encrypted, apart from responses;
units.contact_optin, the kiosk opt-in screen's switch (off for every existing unit).

Revision ID: a7e131f86a00
Revises: 6c257347f823
Create Date: 2026-12-03 15:50:50.834507

"""

from alembic import op
import sqlalchemy as sa

import webapp.dbtypes


# revision identifiers, used by Alembic.
revision = "a7e131f86a00"
down_revision = "6c257347f823"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", webapp.dbtypes.UUIDKey(length=16), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("created_at", webapp.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("consent_version", sa.String(length=20), nullable=False),
        sa.Column("phone_ciphertext", sa.Text(), nullable=False),
        sa.Column("phone_lookup", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_contacts_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_contacts_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("response_id", name=op.f("uq_contacts_response_id")),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contacts_phone_lookup"), ["phone_lookup"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contacts_unit_id"), ["unit_id"], unique=False)

    # Alembic's batch mode may rebuild "units" on SQLite to add the column (it did on a
    # database that had been downgraded and upgraded again), and the rebuild drops a table that
    # others reference: foreign keys off meanwhile, as in the downgrade.
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("contact_optin", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    if sqlite:
        op.execute("PRAGMA foreign_keys=ON")


def downgrade():
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_unit_id"))
        batch_op.drop_index(batch_op.f("ix_contacts_phone_lookup"))
        batch_op.drop_index(batch_op.f("ix_contacts_created_at"))
    op.drop_table("contacts")

    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # Dropping a column rebuilds "units" on SQLite, and the rebuild drops a table that
        # others reference: foreign keys off meanwhile (as in the officials migration;
        # migrations run outside a transaction on SQLite, so the pragma takes effect).
        op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("contact_optin")
    if sqlite:
        op.execute("PRAGMA foreign_keys=ON")
