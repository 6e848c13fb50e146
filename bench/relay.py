"""The floor: a bare relay that broadcasts each submission to every participant socket with
`websockets.broadcast`, persisting nothing. `python -m bench.relay --port P`."""

from __future__ import annotations

import argparse
import asyncio

from websockets.asyncio.server import ServerConnection, broadcast, serve

participants: set[ServerConnection] = set()


async def handle(websocket: ServerConnection) -> None:
    """/submit: each message is a submission, sent on to all; any other path: a participant."""
    assert websocket.request is not None
    if websocket.request.path == "/submit":
        async for message in websocket:
            broadcast(participants, message)
        return
    participants.add(websocket)
    try:
        await websocket.wait_closed()
    finally:
        participants.discard(websocket)


async def main(port: int) -> None:
    # As the product's server: no compression, no size games; pings are not under test.
    async with serve(handle, "127.0.0.1", port, compression=None, ping_interval=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
