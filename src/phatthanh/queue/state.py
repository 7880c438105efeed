"""Job state, locks and the shared token bucket, all kept in the broker's Redis."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import redis

STATES = ("queued", "running", "done", "failed")
# redis-py waits 5 s for a reply by default; a Redis starved on a busy machine overran that
# (seen at load 15-20 on 2 CPUs) and a worker's state or lock call then failed its build.
REPLY_TIMEOUT_S = 60
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
# The commit point of a build (the fence): refuses when the job is already done ('done') or
# when another worker holds one of our locks ('lost': ours expired while its renewal was
# starved and was taken); otherwise, in the same step, re-arms our locks for a full lifetime
# (re-taking one that expired untaken), marks the job done and notes that its publish is in
# flight. KEYS: done, committing, the locks; ARGV: lifetime (ms), owner, a token per lock.
_FENCE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 'done' end
for i = 3, #KEYS do
  local holder = redis.call('GET', KEYS[i])
  if holder and holder ~= ARGV[i] then return 'lost' end
end
for i = 3, #KEYS do redis.call('SET', KEYS[i], ARGV[i], 'PX', ARGV[1]) end
redis.call('SET', KEYS[1], '1')
redis.call('SET', KEYS[2], ARGV[2])
return 'ok'
"""
_UNFENCE = """
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) end
"""


@dataclass(frozen=True)
class Board:
    """The jobs' shared state in Redis."""

    client: Any  # redis.Redis

    @classmethod
    def at(cls, url: str) -> Board:
        return cls(
            redis.Redis.from_url(
                url, decode_responses=True, socket_timeout=REPLY_TIMEOUT_S,
                socket_connect_timeout=10,
            )
        )  # fmt: skip

    def claim_submit(self, key: str) -> bool:
        """True for the first submit of this job key (until it fails)."""
        return bool(self.client.set(f"phatthanh:submitted:{key}", "1", nx=True))

    def mark(self, station: str, key: str, state: str, reason: str = "") -> None:
        """Record the job's state; a failed job keeps its one-line reason for `queue status`."""
        self.client.hset(f"phatthanh:jobs:{station}", key, state)
        self.client.sadd("phatthanh:stations", station)
        if state == "failed":
            self.client.hset(f"phatthanh:reasons:{station}", key, reason or "no reason given")
            self.client.delete(f"phatthanh:submitted:{key}")  # may be submitted again
        else:
            self.client.hdel(f"phatthanh:reasons:{station}", key)

    def failures(self) -> dict[str, list[str]]:
        """Per station, the one-line reason of each job that failed (and was not redone)."""
        table = {}
        for station in sorted(self.client.smembers("phatthanh:stations")):
            reasons = self.client.hvals(f"phatthanh:reasons:{station}")
            if reasons:
                table[station] = sorted(reasons)
        return table

    def is_done(self, key: str) -> bool:
        return bool(self.client.exists(f"phatthanh:done:{key}"))

    def fence(self, key: str, locks: list[Any], ttl_s: float) -> str:
        """The commit point: 'ok' (this worker still holds `locks`, redis-py Locks, with its
        own tokens; the job is now marked done and its publish in flight), 'done' (another
        worker published it) or 'lost' (another worker holds one of the locks)."""
        keys = [f"phatthanh:done:{key}", f"phatthanh:committing:{key}"]
        tokens = [lock.local.token for lock in locks]
        args = [int(ttl_s * 1000), tokens[0], *tokens]
        return str(self.client.eval(_FENCE, len(keys) + len(locks), *keys,
                                    *(lock.name for lock in locks), *args))  # fmt: skip

    def interrupted(self, key: str) -> bool:
        """A publish was in flight when its worker died: the done mark is not to be trusted."""
        return bool(self.client.exists(f"phatthanh:committing:{key}"))

    def unfence(self, key: str, owner: Any = None) -> None:
        """Take back the done mark of a publish that failed or was interrupted; with `owner`
        (the token the fence was called with), only if that publish was this one's (a fence
        whose reply was lost may or may not have passed)."""
        keys = (f"phatthanh:done:{key}", f"phatthanh:committing:{key}")
        if owner is None:
            self.client.delete(*keys)
        else:
            self.client.eval(_UNFENCE, 2, *keys, owner)

    def finish(self, station: str, key: str) -> None:
        """The publish that passed the fence has completed: record the job done."""
        self.client.delete(f"phatthanh:committing:{key}")
        self.client.rpush("phatthanh:finished", key)  # the order jobs completed in
        self.mark(station, key, "done")

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
    def hold(self, name: str, ttl_s: float) -> Iterator[Any]:
        """A Redis lock (a redis-py Lock), kept alive while held by a heartbeat; yields None
        when another worker holds it. A killed holder's lock expires after ttl_s; so does a
        live holder's whose heartbeat is starved that long, hence the fence before publish."""
        lock = self.client.lock(f"phatthanh:lock:{name}", timeout=ttl_s, thread_local=False)
        if not lock.acquire(blocking=False):
            yield None
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
            yield lock
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
