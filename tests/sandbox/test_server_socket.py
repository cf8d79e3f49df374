"""The sandbox's listening socket: its connections send each answer at once (Nagle's algorithm off)."""

from __future__ import annotations

import asyncio
import socket

from ssp_tui.sandbox.server import bind_loopback


async def test_accepted_connections_have_nagle_off() -> None:
    # With Nagle's algorithm on, an answer's body written after its headers waited for the client's delayed
    # ACK: every request after the first on a kept-alive connection took 40 ms more (issue 23). asyncio turns
    # it off only on a socket that says it is TCP.
    listener = bind_loopback()
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            conn = transport.get_extra_info("socket")
            accepted.set_result(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
    try:
        host, port = listener.getsockname()[:2]
        _, writer = await asyncio.open_connection(host, port)
        assert await asyncio.wait_for(accepted, 10) != 0
        writer.close()
    finally:
        server.close()
        await server.wait_closed()
