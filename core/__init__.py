"""The framework-level code every app shares and nothing in it depends on: error envelopes,
the egress guard, the fast paths (prepared queries among them), pagination, parsers,
timestamps and redaction.

It imports no Crier app and not `config` (import-linter checks): connectors import
`core.netguard` without pulling in Celery or Django settings with it.
"""
