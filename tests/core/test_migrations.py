"""The migrations build exactly the schema the models describe (like `flask db check`)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from webapp.extensions import db


def test_migrated_database_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_flask_db_check_is_clean(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
