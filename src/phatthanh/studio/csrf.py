"""Cross-site request forgery: every POST must carry the studio's token for this browser.

The token lives in a cookie (SameSite=Strict, HttpOnly) and is repeated in a hidden field
`csrf` of every form (the "double submit" pattern, OWASP CSRF cheat sheet). It is signed
with a secret that only this studio process knows, so a cookie planted by another program
on the same host (cookies do not separate ports) is not accepted either. A page of another
site can neither read the cookie nor the page holding the field.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "studio_csrf"
FIELD = "csrf"
MAX_BODY = 30_000_000  # an uploaded article page is at most a few megabytes


class CsrfMiddleware:
    """Refuse (403, in Vietnamese) a POST whose `csrf` field is not this browser's token;
    give a browser without a valid token a new one. The page's token is in
    `request.state.csrf` for the templates."""

    def __init__(self, app: ASGIApp, secret: bytes | None = None) -> None:
        self.app = app
        self.secret = secret or secrets.token_bytes(32)

    def sign(self, nonce: str) -> str:
        mac = hmac.new(self.secret, nonce.encode(), hashlib.sha256).hexdigest()[:32]
        return f"{nonce}.{mac}"

    def valid(self, token: str) -> bool:
        nonce, _, _ = token.partition(".")
        return bool(nonce) and hmac.compare_digest(self.sign(nonce), token)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookie = SimpleCookie(Request(scope).headers.get("cookie", ""))
        given = cookie[COOKIE].value if COOKIE in cookie else ""
        token = given if self.valid(given) else self.sign(secrets.token_urlsafe(16))
        scope.setdefault("state", {})["csrf"] = token
        if scope["method"] == "POST":
            body = await _read(receive)
            sent: object = None
            if body is not None:
                with contextlib.suppress(HTTPException, MultiPartException):
                    form = await Request(scope, _replay(body, receive)).form(max_part_size=MAX_BODY)
                    sent = form.get(FIELD)
            if not (token == given and isinstance(sent, str) and hmac.compare_digest(sent, token)):
                refused = PlainTextResponse(
                    "Trang đã cũ hoặc biểu mẫu không gửi từ studio (thiếu mã 'csrf'); "
                    "tải lại trang rồi gửi lại.",
                    status_code=403,
                )
                await refused(scope, receive, send)
                return
            receive = _replay(body or b"", receive)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and token != given:
                headers = MutableHeaders(scope=message)
                headers.append("set-cookie", f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict")
            await send(message)

        await self.app(scope, receive, send_with_cookie)


async def _read(receive: Receive) -> bytes | None:
    """The request's body; None when it is larger than MAX_BODY."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, then: Receive) -> Receive:
    """The body already read, then the client's own messages (its disconnect)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await then()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
