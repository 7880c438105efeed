"""Job state, locks and the shared token bucket, all kept in the broker's Redis."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import redis

STATES = ("queued", "running", "done", "failed")
# `now` is the Redis server's clock unless the caller gives one (tests): workers on several
# machines then share one clock, whatever their own say.
_BUCKET = """
local now = tonumber(ARGV[3])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or ARGV[2])
local stamp = tonumber(redis.call('HGET', KEYS[1], 'stamp') or now)
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
tokens = tokens - 1
local wait = 0
if tokens < 0 then wait = -tokens / rate end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'stamp', now)
redis.call('EXPIRE', KEYS[1], 3600)
return tostring(wait)
"""


@dataclass(frozen=True)
class Board:
    """The jobs' shared state in Redis."""

    client: Any  # redis.Redis

    @classmethod
    def at(cls, url: str) -> Board:
        return cls(redis.Redis.from_url(url, decode_responses=True))

    def claim_submit(self, key: str) -> bool:
        """True for the first submit of this job key (until it fails)."""
        return bool(self.client.set(f"phatthanh:submitted:{key}", "1", nx=True))

    def mark(self, station: str, key: str, state: str) -> None:
        self.client.hset(f"phatthanh:jobs:{station}", key, state)
        self.client.sadd("phatthanh:stations", station)
        if state == "failed":
            self.client.delete(f"phatthanh:submitted:{key}")  # may be submitted again

    def is_done(self, key: str) -> bool:
        return bool(self.client.exists(f"phatthanh:done:{key}"))

    def finish(self, station: str, key: str) -> int:
        """Record the job done; returns how many times it was finished (1 unless doubled)."""
        count = int(self.client.incr(f"phatthanh:done:{key}"))
        self.client.rpush("phatthanh:finished", key)  # the order jobs completed in
        self.mark(station, key, "done")
        return count

    def status(self) -> dict[str, dict[str, int]]:
        """Per station: how many jobs are queued, running, done, failed."""
        table: dict[str, dict[str, int]] = {}
        for station in sorted(self.client.smembers("phatthanh:stations")):
            counts = dict.fromkeys(STATES, 0)
            for state in self.client.hvals(f"phatthanh:jobs:{station}"):
                counts[state] = counts.get(state, 0) + 1
            table[station] = counts
        return table

    @contextmanager
    def hold(self, name: str, ttl_s: float) -> Iterator[bool]:
        """A Redis lock, kept alive while held by a heartbeat; yields False when another
        worker holds it. A killed holder's lock expires after ttl_s."""
        lock = self.client.lock(f"phatthanh:lock:{name}", timeout=ttl_s, thread_local=False)
        if not lock.acquire(blocking=False):
            yield False
            return
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(ttl_s / 3):
                try:
                    lock.extend(ttl_s, replace_ttl=True)
                except redis.RedisError:
                    return

        thread = threading.Thread(target=beat, daemon=True)
        thread.start()
        try:
            yield True
        finally:
            stop.set()
            thread.join()
            with suppress(redis.exceptions.LockError):
                lock.release()

    def finished(self) -> list[str]:
        """Job keys in the order they completed."""
        return list(self.client.lrange("phatthanh:finished", 0, -1))

    def take_token(self, bucket: str, rate: float, burst: int, now: float | None = None) -> float:
        """Reserve one token of the shared bucket (`rate` per second, up to `burst` saved);
        returns the seconds the caller waits before its call (reservations queue up).
        `now` (seconds) is for tests; by default the broker's clock is used."""
        stamp = "" if now is None else repr(now)
        wait = self.client.eval(_BUCKET, 1, f"phatthanh:bucket:{bucket}", rate, burst, stamp)
        return float(wait)
