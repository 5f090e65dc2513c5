"""Django's PostgreSQL backend, with a connection health check that costs no round trip
while the connection is quiet.

Django checks a kept connection at the start of every request (`CONN_HEALTH_CHECKS`) with a
`SELECT 1`: one more round trip to PostgreSQL for every API call, the cheapest of which
need only two. A server that restarts, or ends this session (`pg_terminate_backend`, an
idle timeout, a pooler closing it), first sends its goodbye and closes the socket, so the
socket has something to read. An idle connection that nobody closed has nothing. So the
`SELECT 1` is only sent when there is something to read.

Fast path `pg_health_check` (core/fastpaths): settings name this backend as ENGINE only
while it is on; off, Django's own backend runs and this module is not even imported.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        readable, _, _ = select.select([connection.fileno()], [], [], 0)
        return not readable or super().is_usable()
