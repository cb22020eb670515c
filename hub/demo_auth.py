"""The demo hub's login: one random password per user, read from a file only the hub's owner can read.

FOR LOCAL TRIAL ONLY. A real hub logs people in through the school's accounts (LDAP, OAuth, ...):
see docs/hub.md. Nothing here is a default password: `hub/launch.py` draws each one at start and prints it.
"""

from __future__ import annotations

import hmac
import json
import os
import sys

from jupyterhub.auth import Authenticator
from traitlets import Unicode

WARNING = ("*** DEMO LOGIN, FOR LOCAL TRIAL ONLY: random passwords from a file, no real accounts, "
           "and every single-user server runs as the same system user (no isolation). "
           "Never expose this hub beyond 127.0.0.1. ***")


class DemoAuthenticator(Authenticator):
    """Each allowed user has its own random password, kept in a JSON file `{user: password}` (mode 0600)."""

    passwords_file = Unicode(config=True, help="JSON file {username: password}, written by hub/launch.py")

    def _passwords(self) -> dict[str, str]:
        with open(self.passwords_file) as f:
            return json.load(f)

    async def authenticate(self, handler, data):
        passwords = self._passwords()
        user, given = data.get("username", ""), data.get("password", "")
        expected = passwords.get(user)
        if expected and hmac.compare_digest(expected.encode(), given.encode()):
            return user
        return None


def warn_at_start() -> None:
    print(WARNING, file=sys.stderr, flush=True)
    os.environ.setdefault("NN_HUB_DEMO_WARNED", "1")
