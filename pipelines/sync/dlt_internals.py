"""Every use of dlt's internals, in one place: what dlt 1.x offers no public way to do.

Each is pinned by a test (`tests/unit/test_dlt_internals.py`) that fails when the installed dlt
changes it, so an upgrade of dlt shows here first.
"""

from __future__ import annotations

from pathlib import Path

import dlt
from dlt.common.storages import NormalizeStorage
from dlt.common.storages.load_package import PackageStorage


def extracted_packages(pipeline: dlt.Pipeline) -> PackageStorage:
    """The storage of packages that are extracted but not yet normalized."""
    return pipeline._get_normalize_storage().extracted_packages


def abandoned_extract_folders(pipeline: dlt.Pipeline) -> list[Path]:
    """Folders a killed extract left beside the one dlt normalizes from, which it never reads again."""
    root = Path(pipeline.working_dir) / "normalize"
    if not root.is_dir():
        return []
    return [folder for folder in root.iterdir() if folder.is_dir() and folder.name != NormalizeStorage.EXTRACTED_FOLDER]
