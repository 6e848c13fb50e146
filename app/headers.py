"""Security headers on every HTTP response: the browser loads nothing from another origin,
runs no inline script, sends no address (with its `?key=…`) to anyone as a referrer, and lets
no other site frame our pages. One middleware, around the limits (only the access log is
outside it), so refusals from the body and rate limits carry the headers too."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Scripts only from our own files: no inline <script>, no event-handler attributes, no eval
# (htmx is told not to evaluate either: base.html's htmx-config). Styles allow inline style
# attributes: the charts colour their bars and swatches with the data, and the report page is
# one self-contained file with its CSS inlined; a style cannot run code.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Features no page uses are switched off for them and for anything they might embed; the
# projector's full-screen button keeps full screen for our own origin.
PERMISSIONS_POLICY = ", ".join(
    (
        "camera=()",
        "microphone=()",
        "geolocation=()",
        "payment=()",
        "usb=()",
        "serial=()",
        "bluetooth=()",
        "midi=()",
        "magnetometer=()",
        "gyroscope=()",
        "accelerometer=()",
        "display-capture=()",
        "fullscreen=(self)",
    )
)
HSTS = "max-age=31536000"  # a year; sent only when the server says it is reached over HTTPS


def security_headers(https: bool) -> dict[str, str]:
    """The headers every response gets; HSTS only with `https` (`SECURE_COOKIES`), since a
    browser that got it over plain HTTP would refuse the server until it has HTTPS."""
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if https:
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeadersMiddleware:
    """Adds `security_headers` to every HTTP response (WebSockets send no such headers);
    a header a route set itself is left as it is."""

    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app = app
        self.headers = security_headers(https)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
