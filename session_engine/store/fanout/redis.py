"""Redis pub/sub fan-out for several server processes. Pub/sub is a hint, not a log: after a
lost connection every subscription gets a RESYNC marker, and the hub re-reads the database.
A publish that fails is kept (the newest per channel) and sent again once Redis answers, so
other processes learn that there is something to read even if no further event comes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from typing import Any

from .base import RESYNC, Subscription

log = logging.getLogger(__name__)
MAX_CONNECTIONS = 64  # to Redis per process: publishes beyond it wait for one (5 s at most)


class RedisFanout:
    def __init__(self, url: str) -> None:
        self.url = url
        self._subscriptions: dict[str, set[Subscription]] = {}
        self._client: Any = None
        self._pubsub: Any = None
        self._listener: asyncio.Task[None] | None = None
        self._healthy = False
        self._unpublished: dict[str, str] = {}

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
        try:
            await self._client.publish(channel, message)
        except Exception:
            self._unpublished[channel] = message
            raise
        self._unpublished.pop(channel, None)
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
