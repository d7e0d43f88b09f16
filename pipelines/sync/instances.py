"""Several Xentral instances in one command: each into its own dataset, at its own rate limit.

The instances come from `[sources.xentral.instances.<name>]` (`settings.configured_instances`).
One destination serves them all, opened and checked once before anything is fetched; each
instance is then a pipeline of its own (`xentral_sync_<name>`, its state and cursors apart) with
a client of its own, so one instance's rate limit never slows another. They run one after the
other; an instance that fails does not keep the others from syncing, and the command then exits
with its failure. Afterwards each instance's models are built in its own schema, and
`analytics.combined` puts the marts of all of them side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipelines.analytics.build import build_and_test_models
from pipelines.analytics.combined import build_combined_views
from pipelines.api.errors import ConfigError
from pipelines.exit_codes import CommandError
from pipelines.settings import DLT_FOLDER, INSTANCES_SECTION, Settings, configured_instances
from pipelines.sync.command import sync_with_progress
from pipelines.sync.runner import PIPELINE_NAME, SyncOptions, open_target


class InstancesFailedError(CommandError):
    """Some instances failed; the others synced. The exit code is the first failure's."""

    def __init__(self, failures: dict[str, CommandError]) -> None:
        super().__init__("; ".join(f"instance {name}: {error}" for name, error in failures.items()))
        self.exit_code = next(iter(failures.values())).exit_code


def chosen_instances(settings: Settings, names: Sequence[str] | None) -> dict[str, Settings]:
    """The configured instances, or those of them `names` picks; one line when there are none or a name is unknown."""
    configured = configured_instances(settings)
    if not configured:
        raise ConfigError(f"no instances configured: add a table [{INSTANCES_SECTION}.<name>] with instance_host and "
                          f"api_token_env for each to {DLT_FOLDER}/config.toml")
    unknown = [name for name in names or () if name not in configured]
    if unknown:
        raise ConfigError(f"no instance {', '.join(unknown)} under [{INSTANCES_SECTION}]; "
                          f"configured: {', '.join(configured)}")
    return {name: configured[name] for name in names} if names else configured


def sync_instances(
    settings: Settings, instances: dict[str, Settings], options: SyncOptions, *, build_models: bool, **limits: Any
) -> None:
    """Sync every instance, then build each one's models and the views over all of them."""
    failures: dict[str, CommandError] = {}
    with open_target(settings, [instance.dataset for instance in instances.values()]) as target:
        for name, instance in instances.items():
            print(f"Instance {name} ({instance.instance_host}):")
            try:
                sync_with_progress(instance, options, target=target, pipeline_name=f"{PIPELINE_NAME}_{name}", **limits)
            except CommandError as error:
                print(f"Instance {name} failed (the error is the last line); the others go on.")
                failures[name] = error
    synced = {name: instance for name, instance in instances.items() if name not in failures}
    if build_models and synced:
        for instance in synced.values():
            build_and_test_models(instance)
        build_combined_views(settings, {name: instance.models_schema for name, instance in synced.items()})
    if failures:
        raise InstancesFailedError(failures)
