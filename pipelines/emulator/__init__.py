"""A local stand-in for the Xentral API with seeded data, a movable clock and faults."""
from .knobs import EmulatorSettings
from .running import RunningEmulator, start_emulator
from .world import World

__all__ = ["EmulatorSettings", "RunningEmulator", "World", "start_emulator"]
