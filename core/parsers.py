"""The JSON parser every API view uses: DRF's, refusing text that is not Unicode."""

from __future__ import annotations

import io
import json
import re
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# How a lone surrogate gets into a body: UTF-8 cannot encode one, a JSON escape can.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


class JSONParser(parsers.JSONParser):
    """A string holding a lone surrogate (`"\\ud800"`, valid JSON) is a 400: PostgreSQL
    refuses it in JSON and text, and no answer naming it can be encoded, so it would end in
    a 500 wherever a view stores or echoes it (a Postiz setting name or option value did).
    A surrogate pair (`"\\ud83d\\ude00"`) is one character and passes."""

    def parse(
        self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None
    ) -> Any:
        body = stream.read()
        data = super().parse(io.BytesIO(body), media_type, parser_context)
        if _SURROGATE_ESCAPE.search(body):
            try:
                json.dumps(data, ensure_ascii=False).encode()
            except UnicodeEncodeError as exc:
                character = exc.object[exc.start]
                raise ParseError(
                    f"JSON parse error - a string holds the lone surrogate U+{ord(character):04X}"
                    ": send Unicode text (a surrogate pair, or the character itself)."
                ) from exc
        return data
