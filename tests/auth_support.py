"""Bot Framework tokens signed with our own keys, and a stand-in for login.botframework.com.

Shared by ``tests/e2e/test_bot_auth.py`` and ``bench/bench_auth.py``. The stand-in (OpenID
configuration + JWKS) runs in its own thread (stdlib HTTP server) so that it answers even while the
bot's event loop is blocked, which is how the SDK's synchronous fetch failed. Modes: ``ok``, ``fail``
(503), ``hang`` (answers 503 after ``hang_seconds`` or when released).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

APP_ID = "00000000-0000-0000-0000-00000000a11d"
ISSUER = "https://api.botframework.com"
KID = "test-key-1"


def _private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


SIGNING_KEY = _private_key()
OTHER_KEY = _private_key()


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (the bot's timeout) is expected here: no traceback on stderr."""


class MetadataServer:
    """login.botframework.com's OpenID configuration and key set, or a hanging / failing one."""

    def __init__(self, mode: str = "ok", hang_seconds: float = 10.0) -> None:
        self.mode = mode
        self.hang_seconds = hang_seconds
        self.requests = 0
        self.release = threading.Event()
        jwk: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(SIGNING_KEY.public_key()))
        jwk.update(kid=KID, use="sig", endorsements=["msteams"])
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests += 1
                if outer.mode == "hang":
                    outer.release.wait(outer.hang_seconds)  # bounded; closing releases it at once
                if outer.mode != "ok":
                    self.send_error(503)
                    return
                host = f"http://127.0.0.1:{outer.port}"
                doc = {"jwks_uri": f"{host}/keys"} if self.path == "/openid" else {"keys": [jwk]}
                body = json.dumps(doc).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/openid"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> MetadataServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def token(service_url: str, *, key: Any = SIGNING_KEY, algorithm: str = "RS256", **changes: Any) -> str:
    """A Bot Framework channel token as Teams' Bot Connector sends it, signed by ``key``."""
    headers = {"kid": changes.pop("kid", KID)}
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": APP_ID, "serviceurl": service_url, "nbf": now - 60, "exp": now + 3600}
    claims.update(changes)
    return jwt.encode(claims, key, algorithm=algorithm, headers=headers)


def unsigned(service_url: str) -> str:
    """``alg=none``: the claims of a valid token and no signature at all."""
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": APP_ID, "serviceurl": service_url, "exp": now + 3600}
    return jwt.encode(claims, "", algorithm="none", headers={"kid": KID})
