"""A request's JSON body, read safely: its nesting checked before the parser recurses, NaN and
Infinity refused (the routes of api/, files/ and page/)."""
from __future__ import annotations

import json
from typing import Any


async def read_json(request) -> Any:
    """A request's JSON body, its nesting checked before the parser recurses (a body nested a
    million deep is a ValueError, never a RecursionError); NaN and Infinity refused."""
    from studio.core import json_limits
    raw = await request.read()
    try:
        text = raw.decode("utf-8")
        json_limits.check_shape(text)
        return json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("it nests too deeply") from None


def _no_constant(name: str):
    raise ValueError(f"'{name}' is not JSON")


async def json_or_empty(request) -> dict:
    try:
        body = await read_json(request)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


BAD = object()  # a body that is not JSON (json_body)


async def json_body(request):
    """A request's JSON body, or BAD where it is not JSON Studio takes."""
    try:
        return await read_json(request)
    except ValueError:
        return BAD
