"""Picking up after a run that was killed (kill -9 included) at any moment.

dlt commits a run's state inside its load package, so a package extracted but not loaded
holds both the rows and the cursors that go with them; loading it first and then taking
the state it loaded leaves exactly what a finished run would have left. Three gaps in
dlt 1.x's own recovery are closed here, through `dlt_internals`. It runs under the sync's lock,
so no other run of this pipeline is writing these folders.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dlt

from pipelines.sync.dlt_internals import abandoned_extract_folders, extracted_packages


def finish_interrupted_run(pipeline: dlt.Pipeline) -> bool:
    """Load what a killed run extracted but did not load, then take the state it loaded.

    Returns whether there was such a run.
    """
    _drop_abandoned_extracts(pipeline)
    resumed = pipeline.has_pending_data
    if resumed:
        _drop_extracted_copies_of_normalized(pipeline)
        pipeline.normalize()
        pipeline.load()
    pipeline.sync_destination()
    return resumed


def forget_state_without_data(duckdb_path: Path, pipelines_dir: Path) -> None:
    """State belongs to its DuckDB file: with the file gone, old cursors would skip everything."""
    if not duckdb_path.exists():
        shutil.rmtree(pipelines_dir, ignore_errors=True)


def _drop_extracted_copies_of_normalized(pipeline: dlt.Pipeline) -> None:
    """A kill between dlt committing a normalized package and deleting its extracted copy
    leaves both; the normalized one is complete, and normalizing the copy again would fail."""
    done = set(pipeline.list_normalized_load_packages()) | set(pipeline.list_completed_load_packages())
    extracted = extracted_packages(pipeline)
    for load_id in set(pipeline.list_extracted_load_packages()) & done:
        extracted.delete_package(load_id)


def _drop_abandoned_extracts(pipeline: dlt.Pipeline) -> None:
    """A run killed while extracting leaves its half-written package in a folder of its own
    that dlt never reads again (its state was never committed): reclaim the space."""
    for folder in abandoned_extract_folders(pipeline):
        shutil.rmtree(folder, ignore_errors=True)
