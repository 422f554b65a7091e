"""Settings of the web app: flags win over FAKEWATCH_* environment variables, which win over defaults."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

# A chat export of a big newsroom case is a few hundred MB zipped; 2 GiB leaves room and still
# stops a single request from filling the disk.
DEFAULT_MAX_UPLOAD = 2 * 1024**3
MAX_CHECK_FILE = 64 * 1024**2  # a file sent to the public check: a messenger video or voice note is far smaller
# Public check: a person pasting messages by hand never needs more than this; a script does.
DEFAULT_CHECK_RATE = 1.0  # requests per second, refilled continuously
DEFAULT_CHECK_BURST = 20


@dataclass
class WebSettings:
    """What `create_app` needs besides the store."""

    data_dir: Path = field(default_factory=lambda: Path("fakewatch-web"))  # uploads, job outputs, secret key
    secret_key: str | None = None  # signs session cookies; kept in data_dir/secret_key when not given
    cookie_secure: bool | None = None  # None: Secure when the request came over https
    session_hours: int = 12
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    check_rate: float = DEFAULT_CHECK_RATE
    check_burst: int = DEFAULT_CHECK_BURST
    allow_fetch: bool = False  # the public check may fetch a submitted URL (SSRF rules apply)
    trust_proxy: bool = False  # take the client address from X-Forwarded-For (behind a reverse proxy only)
    publisher: str = "fakewatch"  # the organisation named as author of exported ClaimReviews

    @classmethod
    def from_env(cls, **overrides: object) -> WebSettings:
        """Defaults, then FAKEWATCH_WEB_* / FAKEWATCH_* variables, then `overrides` (flags)."""
        env = os.environ
        values: dict[str, object] = {}
        if "FAKEWATCH_WEB_DIR" in env:
            values["data_dir"] = Path(env["FAKEWATCH_WEB_DIR"])
        if "FAKEWATCH_SECRET" in env:
            values["secret_key"] = env["FAKEWATCH_SECRET"]
        if "FAKEWATCH_MAX_UPLOAD" in env:
            values["max_upload_bytes"] = int(env["FAKEWATCH_MAX_UPLOAD"])
        if "FAKEWATCH_CHECK_RATE" in env:
            values["check_rate"] = float(env["FAKEWATCH_CHECK_RATE"])
        if "FAKEWATCH_CHECK_BURST" in env:
            values["check_burst"] = int(env["FAKEWATCH_CHECK_BURST"])
        if "FAKEWATCH_ALLOW_FETCH" in env:
            values["allow_fetch"] = env["FAKEWATCH_ALLOW_FETCH"].lower() in ("1", "true", "yes")
        if "FAKEWATCH_TRUST_PROXY" in env:
            values["trust_proxy"] = env["FAKEWATCH_TRUST_PROXY"].lower() in ("1", "true", "yes")
        if "FAKEWATCH_PUBLISHER" in env:
            values["publisher"] = env["FAKEWATCH_PUBLISHER"]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def signing_key(self) -> str:
        """The cookie-signing secret: given, or created once (mode 0600) so restarts keep sessions valid."""
        if self.secret_key:
            return self.secret_key
        self.data_dir.mkdir(parents=True, exist_ok=True)
        path = self.data_dir / "secret_key"
        if not path.exists():
            # Written under a private name and linked into place: a second process never reads a half-written key.
            draft = self.data_dir / f".secret_key.{os.getpid()}"
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
            try:
                os.link(draft, path)
            except FileExistsError:
                pass  # another process made it first; use theirs
            finally:
                draft.unlink()
        self.secret_key = path.read_text().strip()
        return self.secret_key
