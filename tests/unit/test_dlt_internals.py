"""The dlt internals the sync relies on (pipelines/sync/dlt_internals.py) still exist in the pinned dlt."""

from __future__ import annotations

from pathlib import Path

import dlt
from dlt.common.storages import NormalizeStorage
from dlt.common.storages.load_package import PackageStorage

from pipelines.sync.dlt_internals import abandoned_extract_folders, extracted_packages


def _pipeline(tmp_path: Path) -> dlt.Pipeline:
    pipeline = dlt.pipeline("internals", destination=dlt.destinations.duckdb(str(tmp_path / "x.duckdb")),
                            pipelines_dir=str(tmp_path / "dlt"))
    pipeline.extract([{"id": 1}], table_name="things")
    return pipeline


def test_the_extracted_packages_storage_holds_an_extracted_package(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path)
    storage = extracted_packages(pipeline)
    assert isinstance(storage, PackageStorage)
    assert set(storage.list_packages()) == set(pipeline.list_extracted_load_packages()) != set()
    assert callable(storage.delete_package)


def test_extract_writes_into_the_folder_dlt_normalizes_from_and_others_are_abandoned(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path)
    normalize = Path(pipeline.working_dir) / "normalize"
    assert (normalize / NormalizeStorage.EXTRACTED_FOLDER).is_dir()
    assert abandoned_extract_folders(pipeline) == []
    (normalize / "0a1b2c").mkdir()
    assert abandoned_extract_folders(pipeline) == [normalize / "0a1b2c"]
