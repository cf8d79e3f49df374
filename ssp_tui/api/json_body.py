"""Reading an answer as the contract promises it: a 2xx JSON body read whole, then decoded strictly into the
route's model, once per response.

The transport (``transport.py``) sends, retries and refreshes; what comes back is checked here: the body
complete and within ``MAX_JSON_BYTES`` (``body.py`` counts it against Content-Length and gzip's end), the
media type JSON, the shape the model's, and every string cleaned of terminal control sequences
(``ssp_tui/text_safety.py``). Anything the contract does not promise is a ``ProtocolError`` naming the
endpoint, never a KeyError or a msgspec traceback.
"""

from __future__ import annotations

from typing import Any, TypeVar

import httpx2
import msgspec

from ssp_tui.api.body import BodyError, read_whole_body
from ssp_tui.api.errors import ProtocolError
from ssp_tui.text_safety import clean_json

T = TypeVar("T")
MAX_JSON_BYTES = 64 * 1024 * 1024
"""The largest JSON answer read: a portal gone wrong cannot fill the client's memory."""

_decoders: dict[Any, msgspec.json.Decoder[Any]] = {}


async def read_json(endpoint: str, response: httpx2.Response, response_type: type[T] | None) -> T:
    """The whole body of a 2xx ``response``, decoded into ``response_type`` (None: nothing to decode)."""
    try:
        data = await read_whole_body(response, max_bytes=MAX_JSON_BYTES)
    except BodyError as exc:
        raise ProtocolError(endpoint, str(exc)) from None
    return decode_json(endpoint, response, data, response_type)


def decode_json(endpoint: str, response: httpx2.Response, data: bytes, response_type: type[T] | None) -> T:
    """Decode a 2xx body into the contract type; anything else the contract does not promise is a
    ProtocolError naming the endpoint (never a KeyError or a msgspec traceback)."""
    if response_type is None:
        return None  # type: ignore[return-value]  # an empty answer (204) carries nothing to decode
    media = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json" and not media.endswith("+json"):
        raise ProtocolError(endpoint, f"expected JSON, got {media or 'no content type'!r}")
    decoder = _decoders.get(response_type)
    if decoder is None:
        decoder = _decoders[response_type] = msgspec.json.Decoder(response_type)
    try:
        # Every string the portal sends is stripped of terminal control sequences here, once, so no screen,
        # command, export or file name ever receives one (ssp_tui/text_safety.py).
        return decoder.decode(clean_json(data))
    except msgspec.ValidationError as exc:
        raise ProtocolError(endpoint, f"the answer has the wrong shape ({exc})") from None
    except msgspec.DecodeError:
        raise ProtocolError(endpoint, "the answer is not valid JSON") from None
