"""Platform clients behind one interface.

Plain Python and httpx only: nothing here imports Django or another Crier app, so a
connector can be read, tested and replaced on its own. Entry points: `registry` to get a
connector by slug, `base` for the data it takes and returns, `errors` for what it raises.
"""
