"""The analysts' side: the SQL models in `sql/` (built, tested), and the report read from the marts.

No dlt here: the models and the report read the DuckDB file or the PostgreSQL database the sync wrote.
"""
