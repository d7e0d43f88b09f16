"""A local stand-in for the Xentral API with seeded data, a movable clock and faults."""
from .runner import RunningEmulator, start_emulator
from .settings import EmulatorSettings
from .world import World

__all__ = ["EmulatorSettings", "RunningEmulator", "World", "start_emulator"]
