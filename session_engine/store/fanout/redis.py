"""Redis pub/sub fan-out for several server processes. Pub/sub is a hint, not a log: after a
lost connection every subscription gets a RESYNC marker, and the hub re-reads the database.
A publish that fails is kept (the newest per channel) and sent again once Redis answers, so
other processes learn that there is something to read even if no further event comes.

Publishes go out in batches: one task sends whatever has queued up as one pipeline (one
round trip, one connection), and each publisher hears of its message when its batch is
answered. One publish per connection and round trip held a connection per message in
flight: when the event loop fell behind at 50 sessions on two processes, 64 connections were
all waiting to be read and further publishes failed after 5 s ("No connection available"),
so the dashboard, which has no gap to fill from, missed events."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from typing import Any

from .base import RESYNC, Subscription

log = logging.getLogger(__name__)
MAX_CONNECTIONS = 64  # to Redis per process: publishes beyond it wait for one (5 s at most)
BATCH = 500  # messages in one pipeline at most


class RedisFanout:
    def __init__(self, url: str) -> None:
        self.url = url
        self._subscriptions: dict[str, set[Subscription]] = {}
        self._client: Any = None
        self._pubsub: Any = None
        self._listener: asyncio.Task[None] | None = None
        self._healthy = False
        self._unpublished: dict[str, str] = {}
        self._outbox: list[tuple[str, str, asyncio.Future[None]]] = []
        self._sender: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        import redis.asyncio as aioredis
        from redis.asyncio.retry import Retry
        from redis.backoff import ExponentialBackoff

        # Fail fast: a publish waits on Redis before the HTTP answer goes out, and nothing is
        # lost by giving up (the event is committed; see the module docstring).
        # A bounded pool that waits for a free connection: redis-py's own pool refuses a
        # command outright once it holds `max_connections` (100 in redis-py 8), which a
        # burst of 50 sessions' publishes reached, and each refusal left a gap to fill.
        pool = aioredis.BlockingConnectionPool.from_url(
            self.url,
            max_connections=MAX_CONNECTIONS,
            timeout=5,
            decode_responses=True,
            socket_connect_timeout=2,
            socket_timeout=5,
            health_check_interval=10,
            retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), 2),
        )
        self._client = aioredis.Redis.from_pool(pool)
        self._listener = asyncio.create_task(self._listen_forever(), name="redis-fanout")

    async def disconnect(self) -> None:
        if self._sender is not None:
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender
        for _, _, waiting in self._outbox:
            waiting.cancel()
        self._outbox.clear()
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()
        if self._client is not None:
            await self._client.aclose()
        self._subscriptions.clear()

    async def publish(self, channel: str, message: str) -> None:
        """Returns once Redis has the message; raises (and keeps it) when it could not."""
        sent = asyncio.get_running_loop().create_future()
        self._outbox.append((channel, message, sent))
        if self._sender is None or self._sender.done():
            self._sender = asyncio.create_task(self._send_batches(), name="redis-publish")
        await sent

    async def _send_batches(self) -> None:
        """Send what has queued up, in order, a pipeline at a time, until nothing waits."""
        while self._outbox:
            batch, self._outbox = self._outbox[:BATCH], self._outbox[BATCH:]
            try:
                async with self._client.pipeline(transaction=False) as pipe:
                    for channel, message, _ in batch:
                        pipe.publish(channel, message)
                    await pipe.execute()
            except Exception as exc:
                for channel, message, sent in batch:
                    self._unpublished[channel] = message
                    if not sent.done():  # its publisher may have gone (cancelled)
                        sent.set_exception(exc)
                continue
            for channel, _, sent in batch:
                self._unpublished.pop(channel, None)  # sent since: the newer message tells
                if not sent.done():
                    sent.set_result(None)
            if self._unpublished:
                await self._republish()

    async def _republish(self) -> None:
        """Send the newest failed message of each channel again; hubs fill the rest of the
        gap from the database."""
        for channel, message in list(self._unpublished.items()):
            try:
                await self._client.publish(channel, message)
            except Exception:
                return
            if self._unpublished.get(channel) == message:
                del self._unpublished[channel]

    async def subscribe(self, channel: str) -> Subscription:
        subscription = Subscription(channel)
        first = channel not in self._subscriptions
        self._subscriptions.setdefault(channel, set()).add(subscription)
        if first and self._pubsub is not None:
            with contextlib.suppress(Exception):  # a broken link is repaired by the listener
                await self._pubsub.subscribe(channel)
        return subscription

    async def unsubscribe(self, subscription: Subscription) -> None:
        subscribers = self._subscriptions.get(subscription.channel, set())
        subscribers.discard(subscription)
        if not subscribers:
            self._subscriptions.pop(subscription.channel, None)
            if self._pubsub is not None:
                with contextlib.suppress(Exception):
                    await self._pubsub.unsubscribe(subscription.channel)

    async def _listen_forever(self) -> None:
        attempt = 0
        while True:
            try:
                await self._listen()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a dropped link, a Redis restart
                log.warning("redis fan-out lost its connection (%s); reconnecting", exc)
            attempt = 1 if self._healthy else attempt + 1
            self._healthy = False
            await asyncio.sleep(min(5.0, 0.1 * 2**attempt) * random.uniform(0.5, 1.0))

    async def _listen(self) -> None:
        if self._pubsub is not None:  # the broken link of the last attempt
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()
        self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        # A subscription is needed before reading; this one is ours and never carries events.
        await self._pubsub.subscribe("vk:control", *self._subscriptions)
        self._healthy = True
        self._resync_all()  # whatever was published while we were away is in the database
        await self._republish()
        while True:
            message = await self._pubsub.get_message(timeout=1.0)
            if message is not None and message["type"] == "message":
                for subscription in self._subscriptions.get(message["channel"], ()):
                    subscription.queue.put_nowait(message["data"])

    def _resync_all(self) -> None:
        for subscribers in self._subscriptions.values():
            for subscription in subscribers:
                subscription.queue.put_nowait(RESYNC)
