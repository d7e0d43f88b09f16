"""The marts of several instances side by side: one view per mart, with an `instance` column.

Each instance's models are built in a schema of its own (`analytics_brand_a`, ...); the views
live in `<models_schema>_all` (`analytics_all.fct_orders`), each a UNION ALL of that mart in
every instance that has it, so one query compares brands or countries.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pipelines.analytics.engine import open_database
from pipelines.analytics.models import DEFAULT_MODELS_DIR, discover
from pipelines.settings import Settings

MARTS_FOLDER = "marts"


def combined_schema(settings: Settings) -> str:
    return f"{settings.models_schema}_all"


def mart_names(models_dir: Path = DEFAULT_MODELS_DIR) -> list[str]:
    return sorted(name for name, model in discover(models_dir).items() if model.path.parent.name == MARTS_FOLDER)


def build_combined_views(
    settings: Settings, models_schemas: Mapping[str, str], models_dir: Path = DEFAULT_MODELS_DIR
) -> list[str]:
    """Create or replace a view per mart over the instances' `models_schemas` (instance name -> schema)."""
    schema = combined_schema(settings)
    built = []
    with open_database(settings) as database:
        namespace = database.namespace(settings.dataset, schema)
        present = {name: database.tables_in(models_schema) for name, models_schema in models_schemas.items()}
        with database.transaction():
            database.execute(f"CREATE SCHEMA IF NOT EXISTS {namespace.qualified(schema)}")
            for mart in mart_names(models_dir):
                parts = [f"SELECT '{name}' AS instance, * FROM "
                         f"{database.namespace(settings.dataset, models_schemas[name]).ref(mart)}"
                         for name, tables in present.items() if mart in tables]
                if parts:
                    database.materialize(namespace, mart, "VIEW", " UNION ALL ".join(parts))
                    built.append(mart)
    print(f"Views over the marts of {len(models_schemas)} instance(s) in schema {schema}: {', '.join(built)}")
    return built
