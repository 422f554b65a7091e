"""Failed logins counted per account and per client; past a threshold, answers wait (issue 21, item 4).

A client that failed `MAX_FAILURES` times within `WINDOW` is refused outright,
whatever account it tries. An account that failed as often (from any number of
clients, a spread-out guess) is refused only to the clients that failed on it:
its owner, logging in from a client with no failures on it, still gets in, and
each new client of a spread-out guess gets a single try before it is refused too.
Every refusal at a threshold locks for longer than the one before it (doubling,
up to MAX_LOCK), so a patient guesser gains nothing by waiting out each lock.

Counts live in the server process (with `serve --workers N`, in each), like the
public check's rate limits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

MAX_FAILURES = 10  # failed logins in WINDOW before the account or client is locked (the audit's figure)
WINDOW = 15 * 60.0  # seconds over which failures are counted
FIRST_LOCK = 60.0  # seconds of the first lock; each further one doubles
MAX_LOCK = 24 * 3600.0  # a lock never lasts more than a day: an owner must not be shut out for good
MAX_KEYS = 100_000  # accounts, clients and pairs remembered; the least recently failed are forgotten first
MAX_NAME = 64  # user names are at most this long (auth.create_user); longer guesses are counted by this prefix

log = logging.getLogger("fakewatch.web.login")


@dataclass
class _Record:
    failures: deque[float] = field(default_factory=deque)
    locks: int = 0  # locks so far; the next lasts FIRST_LOCK * 2**locks
    until: float = 0.0  # locked until this monotonic time


class LoginThrottle:
    """Counts failed logins and says how long a login attempt must wait (0: it may go ahead)."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW) -> None:
        self.max_failures, self.window = max_failures, window
        self._records: OrderedDict[tuple[str, ...], _Record] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, account: str, client: str, now: float | None = None) -> float:
        """Seconds before `client` may try to log in as `account` again; 0 when it may now."""
        now = time.monotonic() if now is None else now
        account = account[:MAX_NAME]
        with self._lock:
            waits = [self._remaining(("client", client), now)]
            if self._failed_recently(("pair", account, client), now):
                waits.append(self._remaining(("account", account), now))
        return max(waits)

    def failed(self, account: str, client: str, now: float | None = None) -> None:
        """Count a wrong password of `client` for `account`, locking either at the threshold."""
        now = time.monotonic() if now is None else now
        account = account[:MAX_NAME]
        with self._lock:
            for key in (("client", client), ("account", account), ("pair", account, client)):
                record = self._record(key, now)
                record.failures.append(now)
                if key[0] != "pair" and len(record.failures) >= self.max_failures and record.until <= now:
                    record.until = now + min(MAX_LOCK, FIRST_LOCK * 2**record.locks)
                    record.locks += 1
                    log.warning("login locked: %s %r after %d failures in %d min, for %d s", key[0], key[1],
                                len(record.failures), self.window // 60, record.until - now)
        log.warning("failed login for account %r from %s", account, client)

    def succeeded(self, account: str, client: str) -> None:
        """A correct password: the client's failures on this account are forgiven (the account's are not)."""
        with self._lock:
            self._records.pop(("pair", account[:MAX_NAME], client), None)

    def locked_accounts(self, now: float | None = None) -> dict[str, float]:
        """Accounts locked now, with the seconds their lock has left (for administrators)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return {key[1]: record.until - now for key, record in self._records.items()
                    if key[0] == "account" and record.until > now}

    def _record(self, key: tuple[str, ...], now: float) -> _Record:
        record = self._records.pop(key, None) or _Record()
        self._prune(record, now)
        if not record.failures and record.until <= now:
            record.locks = 0  # a whole window without failures: the next lock starts short again
        self._records[key] = record
        if len(self._records) > MAX_KEYS:
            self._records.popitem(last=False)
        return record

    def _prune(self, record: _Record, now: float) -> None:
        while record.failures and record.failures[0] <= now - self.window:
            record.failures.popleft()

    def _remaining(self, key: tuple[str, ...], now: float) -> float:
        record = self._records.get(key)
        return max(0.0, record.until - now) if record else 0.0

    def _failed_recently(self, key: tuple[str, ...], now: float) -> bool:
        record = self._records.get(key)
        if record is None:
            return False
        self._prune(record, now)
        return bool(record.failures)
