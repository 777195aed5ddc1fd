"""What every chat app's webhook checks before it reads a byte: the secret, then the size.

A webhook URL is public. The chat app proves itself with a secret header, so that comes first,
before the body is read; then the body must be no larger than the app ever sends (a Telegram
update is a few kilobytes; 1 MiB is ample) and well-formed JSON. Each refusal is a 4xx with one
log line, never a traceback, and never costs more memory than the limit.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

BODY_LIMIT = 1024 * 1024  # bytes


async def read_update(
    request: web.Request, header: str, secret: str, *, what: str
) -> dict[str, Any] | web.Response:
    """The JSON object the chat app sent, or the response that refuses the call."""
    given = request.headers.get(header, "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        log.warning(
            "%s webhook: refused a call without the right secret from %s", what, _who(request)
        )
        return web.json_response({"ok": False}, status=403)
    length = request.content_length
    if length is not None and length > BODY_LIMIT:
        log.warning("%s webhook: refused a body of %s bytes from %s", what, length, _who(request))
        return web.json_response({"ok": False}, status=413)
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > BODY_LIMIT:  # no Content-Length, or a false one: stop reading here
                log.warning("%s webhook: refused an oversized body from %s", what, _who(request))
                return web.json_response({"ok": False}, status=413)
            chunks.append(chunk)
    except (ConnectionError, ValueError):
        return web.json_response({"ok": False}, status=400)
    body = b"".join(chunks)
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        log.warning("%s webhook: refused a body that is not JSON from %s", what, _who(request))
        return web.json_response({"ok": False}, status=400)
    if not isinstance(data, dict):
        log.warning("%s webhook: refused JSON that is not an object from %s", what, _who(request))
        return web.json_response({"ok": False}, status=400)
    return data


def _who(request: web.Request) -> str:
    return request.remote or "?"
