"""In-process fan-out: one server process, any number of subscribers."""

from __future__ import annotations

from .base import Subscription


class MemoryFanout:
    def __init__(self) -> None:
        self._subscriptions: dict[str, set[Subscription]] = {}

    async def connect(self) -> None:
        return None

    async def disconnect(self) -> None:
        self._subscriptions.clear()

    async def publish(self, channel: str, message: str) -> None:
        for subscription in self._subscriptions.get(channel, ()):
            subscription.queue.put_nowait(message)

    async def subscribe(self, channel: str) -> Subscription:
        subscription = Subscription(channel)
        self._subscriptions.setdefault(channel, set()).add(subscription)
        return subscription

    async def unsubscribe(self, subscription: Subscription) -> None:
        subscribers = self._subscriptions.get(subscription.channel, set())
        subscribers.discard(subscription)
        if not subscribers:
            self._subscriptions.pop(subscription.channel, None)
