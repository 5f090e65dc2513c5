"""Crier's settings, Celery app and the framework-free code every app shares.

Importing this package loads nothing else: connectors import `core.netguard` and must
not pull in Celery or Django with it. The Celery app loads with Django
(`config.apps.CrierConfig.ready`) and for `celery -A config`, which finds `config.celery`.
"""
