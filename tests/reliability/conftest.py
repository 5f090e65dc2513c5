"""The reliability suite reuses the pipeline's real-process fixtures (workers, beat, simulator)."""

from __future__ import annotations

from tests.pipeline.conftest import FAST_PIPELINE, broker, processes, simulator

__all__ = ["FAST_PIPELINE", "broker", "processes", "simulator"]
