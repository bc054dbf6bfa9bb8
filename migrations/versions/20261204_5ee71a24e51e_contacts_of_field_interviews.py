"""contacts of field interviews: contacts.field_response_id (SPEC 13, "a field interview may
record the same consent"); a contact belongs to exactly one kiosk response or field interview.

Revision ID: 5ee71a24e51e
Revises: 6e72902f5a7c
Create Date: 2026-12-04 02:29:57.646528

"""

from alembic import op
import sqlalchemy as sa

import webapp.dbtypes


# revision identifiers, used by Alembic.
revision = "5ee71a24e51e"
down_revision = "6e72902f5a7c"
branch_labels = None
depends_on = None


def upgrade():
    # No table references "contacts": its rebuild by batch mode on SQLite needs no pragma.
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("field_response_id", webapp.dbtypes.UUIDKey(length=16), nullable=True)
        )
        batch_op.alter_column(
            "response_id", existing_type=webapp.dbtypes.UUIDKey(length=16), nullable=True
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_contacts_field_response_id"), ["field_response_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_contacts_field_response_id_field_responses"),
            "field_responses",
            ["field_response_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            "one_response", "(response_id IS NULL) <> (field_response_id IS NULL)"
        )


def downgrade():
    # The contacts of field interviews have no place in the older table: they are deleted.
    op.execute("DELETE FROM contacts WHERE field_response_id IS NOT NULL")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_contacts_one_response"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_contacts_field_response_id_field_responses"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_contacts_field_response_id"), type_="unique")
        batch_op.alter_column(
            "response_id", existing_type=webapp.dbtypes.UUIDKey(length=16), nullable=False
        )
        batch_op.drop_column("field_response_id")
