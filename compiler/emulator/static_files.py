"""A project's own web pages under `motia dev`: `public/` at `/`, `node_modules/` at `/node_modules/`.

A GET (or HEAD) that no step route matches is answered from `<project>/public/` (a path ending
in `/` gets its `index.html`), or, under `/node_modules/`, from `<project>/node_modules/`, so
a page can load npm packages such as `@motiadev/stream-client-browser` through an import map
with no bundler. `/__motia/dev.json` tells a page where the stream server listens. Paths that
leave those folders, hidden files (`.env`) and anything else answer API Gateway's 404. This is
a development convenience: `motia deploy` deploys no static files (docs/streams.md says why).
"""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

from compiler.emulator.events import HttpReply, error_reply

PUBLIC_DIR = "public"
PACKAGES_DIR = "node_modules"
DEV_CONFIG_PATH = "/__motia/dev.json"

# Browsers refuse an ES module served with a type that is not JavaScript: never leave these to
# the platform's mime.types, which may lack `.mjs` or map `.js` to something else.
_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".wasm": "application/wasm",
}


def content_type(path: Path) -> str:
    """The Content-Type a browser expects for a file, by its extension."""
    known = _CONTENT_TYPES.get(path.suffix.lower())
    if known is not None:
        return known
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def resolve(project_root: Path, raw_path: str) -> Path | None:
    """The file a URL path names in `public/` or `node_modules/`, or None (404).

    Decoded segments `.`, `..`, empty ones inside the path, hidden names and backslashes
    are refused before touching the file system; the resolved file (symbolic links
    followed) must still lie inside its folder.
    """
    path = unquote(raw_path)
    if not path.startswith("/") or "\\" in path or "\x00" in path:
        return None
    segments = path[1:].split("/")
    if segments[-1] == "":
        segments[-1] = "index.html"
    if any(not s or s in (".", "..") or s.startswith(".") for s in segments):
        return None
    base = project_root / PUBLIC_DIR
    if segments[0] == PACKAGES_DIR:
        base, segments = project_root / PACKAGES_DIR, segments[1:]
        if not segments:
            return None
    try:
        found = base.joinpath(*segments).resolve(strict=True)
        inside = found.is_relative_to(base.resolve(strict=True))
    except (OSError, RuntimeError):  # missing, or a symbolic-link loop
        return None
    return found if inside and found.is_file() else None


def file_reply(path: Path) -> HttpReply:
    # no-cache: an edited page shows on reload, without a stale copy from the browser's cache
    headers = (("content-type", content_type(path)), ("cache-control", "no-cache"))
    return HttpReply(200, headers, path.read_bytes())


def redirect_reply(location: str) -> HttpReply:
    return HttpReply(301, (("location", location),), b"")


@dataclass(frozen=True)
class StaticFiles:
    """What `motia dev` serves besides the routes; `ws_url` is read per request (the stream
    server starts after the HTTP server)."""

    project_root: Path
    ws_url: Callable[[], str | None]

    @property
    def has_pages(self) -> bool:
        return (self.project_root / PUBLIC_DIR / "index.html").is_file()

    def startup_line(self, url: str) -> str | None:
        """`motia dev`'s line saying where the project's page is, when it has one."""
        if not self.has_pages:
            return None
        return f"  page    {url + '/':<30} -> {PUBLIC_DIR}/index.html (open it in a browser; {PACKAGES_DIR}/ is served too)"

    def dev_config(self) -> dict[str, str | None]:
        return {"wsUrl": self.ws_url()}

    def reply(self, method: str, raw_path: str) -> HttpReply | None:
        """The answer to a request no route matched, or None to let API Gateway's 404 stand."""
        if method not in ("GET", "HEAD"):
            return None
        if raw_path == DEV_CONFIG_PATH:
            body = json.dumps(self.dev_config()).encode()
            return HttpReply(200, (("content-type", "application/json"), ("cache-control", "no-cache")), body)
        found = resolve(self.project_root, raw_path)
        if found is not None:
            return file_reply(found)
        # `/admin` for the folder `public/admin/`: redirect, so the page's relative links resolve
        if not raw_path.endswith("/") and resolve(self.project_root, raw_path + "/") is not None:
            return redirect_reply(raw_path + "/")
        return None
