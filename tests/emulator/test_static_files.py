"""GIVEN a project with `public/` and `node_modules/` WHEN `motia dev` gets a GET no route
matches THEN the file is served with a browser's content type, and nothing outside those
folders (traversal, hidden files, symbolic links out) ever is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler.emulator.static_files import DEV_CONFIG_PATH, StaticFiles, content_type, resolve


@pytest.fixture
def project(tmp_path: Path) -> Path:
    files = {
        "public/index.html": "<h1>orders</h1>",
        "public/orders.js": "export {}",
        "public/admin/index.html": "admin",
        "public/.env": "SECRET=1",
        "node_modules/@motiadev/stream-client-browser/dist/index.js": "export {}",
        "steps/api/create_order_step.py": "# a step",
        ".env": "SECRET=1",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_serves_index_html_for_the_root_and_a_folder(project: Path) -> None:
    assert resolve(project, "/") == (project / "public" / "index.html").resolve()
    assert resolve(project, "/admin/") == (project / "public" / "admin" / "index.html").resolve()


def test_serves_public_files_and_node_modules(project: Path) -> None:
    assert resolve(project, "/orders.js") == (project / "public" / "orders.js").resolve()
    module = "/node_modules/@motiadev/stream-client-browser/dist/index.js"
    assert resolve(project, module) == (project / module.lstrip("/")).resolve()
    assert resolve(project, "/node_modules/%40motiadev/stream-client-browser/dist/index.js") is not None


@pytest.mark.parametrize("path", [
    "/../steps/api/create_order_step.py", "/%2e%2e/.env", "/admin/../../.env", "/node_modules/../.env",
    "/node_modules/..%2f.env", "/..\\.env", "/.env", "/%2eenv", "//etc/passwd", "/orders.js%00.html",
    "/node_modules", "/node_modules/", "/missing.js", "/admin", "relative.js",
])
def test_rejects_paths_outside_public_and_node_modules_and_hidden_files(project: Path, path: str) -> None:
    assert resolve(project, path) is None


def test_rejects_a_symbolic_link_out_of_public(project: Path) -> None:
    (project / "public" / "steps").symlink_to(project / "steps")
    assert resolve(project, "/steps/api/create_order_step.py") is None


@pytest.mark.parametrize(("name", "expected"), [
    ("orders.js", "text/javascript; charset=utf-8"), ("client.mjs", "text/javascript; charset=utf-8"),
    ("index.html", "text/html; charset=utf-8"), ("index.js.map", "application/json"),
    ("logo.png", "image/png"), ("blob.unknownext", "application/octet-stream"),
])
def test_content_type_is_what_browsers_expect(name: str, expected: str) -> None:
    assert content_type(Path(name)) == expected


def test_answers_get_and_head_only(project: Path) -> None:
    site = StaticFiles(project, lambda: None)
    reply = site.reply("GET", "/orders.js")
    assert reply is not None and (reply.status, reply.body) == (200, b"export {}")
    assert dict(reply.headers)["content-type"] == "text/javascript; charset=utf-8"
    assert site.reply("HEAD", "/orders.js") is not None
    assert site.reply("POST", "/orders.js") is None
    assert site.reply("GET", "/missing.js") is None


def test_redirects_a_folder_to_its_slash(project: Path) -> None:
    reply = StaticFiles(project, lambda: None).reply("GET", "/admin")
    assert reply is not None and reply.status == 301 and dict(reply.headers)["location"] == "/admin/"


def test_dev_config_says_where_the_stream_server_is(project: Path) -> None:
    urls = iter(["ws://127.0.0.1:3112", None])
    site = StaticFiles(project, lambda: next(urls))  # read per request: the stream server starts later
    for expected in ("ws://127.0.0.1:3112", None):
        reply = site.reply("GET", DEV_CONFIG_PATH)
        assert reply is not None and json.loads(reply.body) == {"wsUrl": expected}


def test_startup_line_names_the_page_only_when_there_is_one(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    line = StaticFiles(project, lambda: None).startup_line("http://127.0.0.1:3000")
    assert line is not None and "http://127.0.0.1:3000/" in line and "public/index.html" in line
    assert StaticFiles(tmp_path_factory.mktemp("bare"), lambda: None).startup_line("http://127.0.0.1:3000") is None
