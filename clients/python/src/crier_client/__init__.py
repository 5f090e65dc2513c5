"""Crier's Python client: `Crier` (blocking) and `AsyncCrier`, on models generated from
Crier's OpenAPI schema (`crier_client.models`)."""

from __future__ import annotations

from crier_client._generated import models
from crier_client._transport import RetryPolicy
from crier_client.client import AsyncCrier, Crier
from crier_client.errors import ApiError, CrierError, WaitTimeout

__all__ = ["ApiError", "AsyncCrier", "Crier", "CrierError", "RetryPolicy", "WaitTimeout", "models"]
