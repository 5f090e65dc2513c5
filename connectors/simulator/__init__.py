"""A local fake social platform for demos, tests and benchmarks (stdlib only).

Run it with `python -m connectors.simulator --port 8025`, or in-process with
`SimulatorServer`. It honours idempotency keys, injects faults on demand (faults.py) and
counts what it received, so a test can prove that nothing was lost and nothing doubled.
"""

from connectors.simulator.faults import FaultError
from connectors.simulator.server import SimulatorServer
from connectors.simulator.state import Simulator

__all__ = ["FaultError", "Simulator", "SimulatorServer"]
