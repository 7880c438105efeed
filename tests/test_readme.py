"""The README is executable: every shell command README.md and docs/*.md show is run exactly
as written, each block in a fresh folder (a copy of samples/, the project's .venv/bin first
on PATH), and its effect is checked. A documented command with no check here fails.

The outside world a command needs is provided around it, never by editing the command: the
portal's pages come from a local HTTP proxy (the documented addresses are fetched through
HTTP_PROXY), the online voice from the local edge-tts protocol server, `tin.html` and the
README's lineup file are written into the folder, `serve` gets a free port in its config.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import feedparser
import httpx
import pytest

from tests.doc_commands import Block, Command, code_block_after, shell_blocks
from tests.edge_server import EdgeServer

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the project's .venv/bin
BLOCKS = shell_blocks(ROOT)
PORTAL = "http://songxanh.example.gov.vn"
HANG_GUARD_S = 900  # a command still running after this is hung, not slow


# --- the outside world: portal pages (own words), served through a local proxy ------------

ARTICLES = {
    "/tin/lich-cat-dien.html": (
        "Tạm ngừng cấp điện để bảo dưỡng lưới điện ở xã Tân Lập",
        "2026-11-23T08:00:00+07:00",
        [
            "Điện lực huyện Sông Xanh thông báo tạm ngừng cấp điện để bảo dưỡng đường dây "
            "trung thế vào sáng thứ Bảy tuần này.",
            "Thời gian ngừng cấp điện từ 7 giờ đến 11 giờ tại các thôn Đông, Tây và Bắc.",
            "Người dân chủ động sắp xếp công việc và giữ an toàn khi có điện trở lại.",
        ],
    ),
    "/tin/lop-day-nghe.html": (
        "Khai giảng lớp dạy nghề may cho lao động nông thôn",
        "2026-11-25T09:00:00+07:00",
        [
            "Trung tâm Giáo dục nghề nghiệp huyện vừa khai giảng lớp may công nghiệp cho ba "
            "mươi lao động nông thôn.",
            "Lớp học kéo dài ba tháng, học viên được hỗ trợ tiền ăn và tiền đi lại.",
            "Sau khóa học, các học viên được giới thiệu việc làm tại các xưởng may trong tỉnh.",
        ],
    ),
}
SAVED_PAGE = (
    "Hội thi nấu ăn ngon của phụ nữ thị trấn",
    "2026-11-22T15:30:00+07:00",
    [
        "Hội Liên hiệp Phụ nữ thị trấn tổ chức hội thi nấu ăn ngon với mười đội tham gia.",
        "Các đội chế biến món ăn từ sản vật địa phương như cá sông, rau rừng và gạo nếp.",
        "Ban tổ chức trao giải nhất cho đội của khu phố Hai với món cá kho tộ.",
    ],
)


def html_page(title: str, published: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="article:published_time" content="{published}"></head><body>'
        f'<nav><a href="/">Trang chủ</a></nav><article><h1>{title}</h1>{body}</article>'
        "<footer>Cổng thông tin điện tử huyện Sông Xanh</footer></body></html>"
    )


def portal_feed() -> str:
    items = "".join(
        f"<item><title>{title}</title><link>{PORTAL}{path}</link><guid>{PORTAL}{path}</guid>"
        f"<pubDate>{when}</pubDate></item>"
        for path, (title, _, _), when in (
            ("/tin/lop-day-nghe.html", ARTICLES["/tin/lop-day-nghe.html"],
             "Wed, 25 Nov 2026 09:00:00 +0700"),
            ("/tin/lich-cat-dien.html", ARTICLES["/tin/lich-cat-dien.html"],
             "Mon, 23 Nov 2026 08:00:00 +0700"),
        )
    )  # fmt: skip
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Tin tức</title><link>{PORTAL}/</link><description>Tin</description>"
        f"{items}</channel></rss>"
    )


class Portal(BaseHTTPRequestHandler):
    """A forward proxy that answers for the portal's host from memory."""

    fetched: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        url = urlsplit(self.path)  # a proxy request carries the absolute URL
        if url.path == "/rss/tin-tuc.rss":
            body, kind = portal_feed().encode(), "application/rss+xml"
        elif url.path in ARTICLES:
            body, kind = html_page(*ARTICLES[url.path]).encode(), "text/html; charset=utf-8"
        else:
            self.send_error(404)
            return
        Portal.fetched.append(f"{url.scheme}://{url.netloc}{url.path}")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def world() -> Iterator[dict[str, str]]:
    """The environment every documented command runs in."""
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    with EdgeServer() as edge:
        env = {
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "HTTP_PROXY": f"http://127.0.0.1:{proxy.server_address[1]}",
            "NO_PROXY": "127.0.0.1,localhost",
            "PHATTHANH_EDGE_ENDPOINT": edge.endpoint,
            "PYTHONUNBUFFERED": "1",
        }
        for variable in ("http_proxy", "no_proxy", "all_proxy", "ALL_PROXY"):
            env.pop(variable, None)  # the lowercase forms would win over ours
        yield env
    proxy.shutdown()


# --- running a command and reading what it made ------------------------------------------


@dataclass
class Ran:
    command: Command
    code: int
    out: str
    err: str

    def ok(self) -> None:
        assert self.code == 0, f"{self.command.where}: {self.command.text}\n{self.err[-2000:]}"


@dataclass
class Checker:
    """What a documented command needs around it, and what it must have done."""

    check: Callable[[Ran, Path, dict[str, str]], None]
    setup: Callable[[Path, dict[str, str]], None] = lambda folder, env: None
    run: Callable[[Command, Path, dict[str, str]], Ran] | None = None
    note: str = ""  # why a command is checked without running it


def run_shell(command: Command, folder: Path, env: dict[str, str]) -> Ran:
    proc = subprocess.run(
        ["bash", "-c", command.text], cwd=folder, env=env, capture_output=True, text=True,
        timeout=HANG_GUARD_S, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return Ran(command, proc.returncode, proc.stdout, proc.stderr)


def records(folder: Path) -> dict[str, dict[str, object]]:
    return {
        p.parent.name: json.loads(p.read_text("utf-8"))
        for p in (folder / "episodes").glob("*/episode.json")
        if not p.parent.name.startswith(".")
    }


def feed_entries(folder: Path) -> list[feedparser.FeedParserDict]:
    parsed = feedparser.parse((folder / "feeds" / "podcast.xml").read_bytes())
    assert parsed.bozo == 0, parsed.bozo_exception
    return list(parsed.entries)


def renditions_expected(command: Command) -> int | None:
    return 1 if "--profile podcast" in command.text else None


def new_episode(ran: Ran, folder: Path, before: set[str]) -> dict[str, object]:
    """The one episode this build added, checked: its audio on disk as recorded, listed in
    the feed, and the build's summary printed."""
    ran.ok()
    assert "Episode: " in ran.out and "MP3: " in ran.out, ran.out
    added = {k: v for k, v in records(folder).items() if k not in before}
    assert len(added) == 1, (sorted(before), sorted(records(folder)))
    ((slug, record),) = added.items()
    audio = record["audio"]
    assert isinstance(audio, dict)
    mp3 = folder / "episodes" / slug / str(audio["file"])
    assert mp3.read_bytes()[:3] == b"ID3" and mp3.stat().st_size == audio["bytes"]
    wanted = renditions_expected(ran.command)
    if wanted is not None:
        assert len(record["renditions"]) == wanted  # type: ignore[arg-type]
    enclosures = [e.enclosures[0].href for e in feed_entries(folder)]
    listed = any(href.endswith(f"/{slug}/{audio['file']}") for href in enclosures)
    assert listed == on_air(record), (record.get("publish_at"), record.get("expires"), enclosures)
    return record


def on_air(record: dict[str, object]) -> bool:
    """Whether the feed lists the episode now: not held (publish_at) and not expired."""
    now = datetime.now(UTC)
    held = record.get("publish_at") and datetime.fromisoformat(str(record["publish_at"])) > now
    gone = record.get("expires") and datetime.fromisoformat(str(record["expires"])) <= now
    return not held and not gone


def build_checker(
    expect: Callable[[dict[str, object], Ran, Path, dict[str, str]], None],
    setup: Callable[[Path, dict[str, str]], None] = lambda folder, env: None,
) -> Checker:
    """Builds are checked on the episode they add; `expect` checks what is particular."""
    state: dict[str, set[str]] = {}

    def before(folder: Path, env: dict[str, str]) -> None:
        setup(folder, env)
        state["before"] = set(records(folder))

    def check(ran: Ran, folder: Path, env: dict[str, str]) -> None:
        expect(new_episode(ran, folder, state["before"]), ran, folder, env)

    return Checker(check=check, setup=before)


# --- the checks, one per documented command ------------------------------------------------


def sources(record: dict[str, object]) -> list[str]:
    return [str(item["source"]) for item in record["items"]]  # type: ignore[attr-defined,index]


def expect_text_pages(record: dict[str, object], ran: Ran, folder: Path, env: object) -> None:
    named = [p.name for pattern in re.findall(r"samples/articles/\S+\.txt", ran.command.text)
             for p in sorted(folder.glob(pattern))]  # fmt: skip
    assert [Path(s).name for s in sources(record)] == named and named
    title = re.search(r'--title "([^"]+)"', ran.command.text)
    if title:
        assert record["title"] == title.group(1)
    date = re.search(r"--date (\S+)", ran.command.text)
    if date:
        assert str(record["published"]).startswith(date.group(1))


def write_saved_page(folder: Path, env: object) -> None:
    (folder / "tin.html").write_text(html_page(*SAVED_PAGE), "utf-8")


def expect_saved_page(record: dict[str, object], ran: Ran, folder: Path, env: object) -> None:
    assert sources(record) == ["tin.html"]
    (item,) = record["items"]  # type: ignore[misc]
    assert item["title"] == SAVED_PAGE[0] and str(item["published"]).startswith("2026-11-22")


def expect_url(record: dict[str, object], ran: Ran, folder: Path, env: object) -> None:
    url = ran.command.text.split()[2]
    assert sources(record) == [url] and url in Portal.fetched
    (item,) = record["items"]  # type: ignore[misc]
    assert item["title"] == ARTICLES[urlsplit(url).path][0]


def count_fetches(folder: Path, env: dict[str, str]) -> None:
    env["fetched before"] = str(len(Portal.fetched))


def expect_portal_feed(
    record: dict[str, object], ran: Ran, folder: Path, env: dict[str, str]
) -> None:
    newest = f"{PORTAL}/tin/lop-day-nghe.html"
    assert sources(record) == [newest]  # --latest 1: the newest entry only
    fetched = Portal.fetched[int(env["fetched before"]) :]
    assert set(fetched) == {f"{PORTAL}/rss/tin-tuc.rss", newest}, fetched


def write_readme_lineup(folder: Path, env: object) -> None:
    lineup = code_block_after(ROOT / "README.md", "Lineup files", "toml")
    (folder / "episodes" / "tin").mkdir(parents=True, exist_ok=True)
    (folder / "episodes" / "sang.toml").write_text(lineup, "utf-8")
    source = re.search(r'source = "([^"]+)"', lineup)
    assert source is not None
    shutil.copy(ROOT / "samples" / "articles" / "01-tiem-chung.txt",
                folder / "episodes" / source.group(1))  # fmt: skip


def expect_lineup(record: dict[str, object], ran: Ran, folder: Path, env: object) -> None:
    lineup = code_block_after(ROOT / "README.md", "Lineup files", "toml")
    title = re.search(r'^title = "([^"]+)"', lineup, re.M)
    author = re.search(r'^author = "([^"]+)"', lineup, re.M)
    item_title = re.search(r'^title = "([^"]+)"', lineup.split("[[items]]")[1], re.M)
    assert title and author and item_title
    assert record["title"] == title.group(1)
    (item,) = record["items"]  # type: ignore[misc]
    assert item["title"] == item_title.group(1) and item["author"] == author.group(1)
    script = next((folder / "episodes").glob("*/script.txt")).read_text("utf-8")
    assert "Hôm nay1,204" not in script  # the page furniture is not read


def expect_first_build(record: dict[str, object], ran: Ran, folder: Path, env: object) -> None:
    assert (folder / "phatthanh.toml").is_file()
    expect_text_pages(record, ran, folder, env)


def check_init(ran: Ran, folder: Path, env: object) -> None:
    ran.ok()
    assert "phatthanh.toml" in ran.out, ran.out  # says what it wrote
    text = (folder / "phatthanh.toml").read_text("utf-8")
    tomllib.loads(text)  # valid TOML
    assert all(f"[{section}]" in text for section in ("station", "voices", "master", "publish"))
    assert "# target_lufs = " in text  # settings are written with their defaults, commented


def check_feed(ran: Ran, folder: Path, env: object) -> None:
    ran.ok()
    assert ran.out.strip() == "Feed: feeds/podcast.xml"
    assert len(feed_entries(folder)) == len(records(folder)) >= 1
    assert json.loads((folder / "feeds" / "loudspeaker.json").read_text("utf-8"))["episodes"]


def check_cache_stats(ran: Ran, folder: Path, env: object) -> None:
    ran.ok()
    clips = len(list((folder / ".cache" / "clips").glob("*/*.json")))
    assert clips > 0 and re.search(rf": {clips} clips, [\d.]+ MB", ran.out), ran.out


def check_cache_prune(ran: Ran, folder: Path, env: object) -> None:
    ran.ok()
    assert ran.out.strip() == "removed 0 clips"  # every clip was used moments ago
    assert list((folder / ".cache" / "clips").glob("*/*.json"))


def check_script(ran: Ran, folder: Path, env: object) -> None:
    ran.ok()
    assert ran.out.startswith("== samples/articles/") and "[title] " in ran.out
    assert "   -> " in ran.out  # the spoken form beside the display text
    assert "Thống kê lượt truy cập" not in ran.out


def check_explain(ran: Ran, folder: Path, env: object) -> None:
    ran.ok()
    marks = re.findall(r"^\s*\d+ (keep|drop) ", ran.out, re.M)
    assert "keep" in marks and "drop" in marks


def check_residue(ran: Ran, folder: Path, env: object) -> None:
    ran.ok()
    assert all(re.match(r"samples/articles/\S+: segment \d+, char \d+: ", line)
               for line in ran.out.splitlines()), ran.out  # fmt: skip


def check_script_json(ran: Ran, folder: Path, env: object) -> None:
    ran.ok()
    (script,) = json.loads(ran.out)
    assert script["title"] and script["segments"][0]["kind"] == "title"
    assert all(set(s) == {"kind", "display", "spoken"} for s in script["segments"])


def check_normalize(ran: Ran, folder: Path, env: object) -> None:
    ran.ok()
    spoken = ran.out.strip()
    assert "hai mươi tư tháng mười một" in spoken and "bảy giờ ba mươi" in spoken, spoken
    assert not re.search(r"\d", spoken), spoken


def check_review(ran: Ran, folder: Path, env: object) -> None:
    ran.ok()
    pages = sorted(p.name for p in (folder / "samples" / "articles").glob("*.txt"))
    assert re.findall(r"^== samples/articles/(\S+)$", ran.out, re.M) == pages, ran.out
    assert ran.out.count("\ntitle: ") == len(pages), ran.out


def write_editors_lexicon(folder: Path, env: object) -> None:
    """docs/editors.md tells the editor to put this block into phatthanh.toml first."""
    heading = "3. Add a word to the station lexicon"
    block = code_block_after(ROOT / "docs" / "editors.md", heading, "toml")
    (folder / "phatthanh.toml").write_text(block, "utf-8")


def check_station_word(ran: Ran, folder: Path, env: object) -> None:
    ran.ok()
    assert ran.out.strip() == "Đồng chí Hà, Huyện ủy viên, về xã Bốc Tới", ran.out


def check_voices(ran: Ran, folder: Path, env: dict[str, str]) -> None:
    ran.ok()
    lines = ran.out.splitlines()
    assert any(re.match(r"espeak.*: available", line) for line in lines), ran.out
    edge = next(line for line in lines if line.startswith("edge"))
    if "--check" in ran.command.text:
        assert ": available" in edge, ran.out
    else:
        assert ": not checked" in edge, ran.out


def write_served_files(folder: Path, env: dict[str, str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (folder / "phatthanh.toml").write_text(f"[publish]\nport = {port}\n", "utf-8")
    (folder / "feeds").mkdir(exist_ok=True)
    (folder / "feeds" / "podcast.xml").write_bytes(b"<rss version='2.0'/>" * 50)
    env["serve port"] = str(port)


def run_serve(command: Command, folder: Path, env: dict[str, str]) -> Ran:
    """Start the server as written, fetch one URL with a byte range, stop it with Ctrl+C."""
    port = int(env["serve port"])
    proc = subprocess.Popen(
        ["bash", "-c", f"exec {command.text}"], cwd=folder, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        answer = None
        while proc.poll() is None and answer is None:
            try:
                answer = httpx.get(
                    f"http://127.0.0.1:{port}/feeds/podcast.xml", headers={"Range": "bytes=0-19"}
                )
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None, proc.communicate()
        assert answer.status_code == 206 and answer.content == b"<rss version='2.0'/>"
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=HANG_GUARD_S)
    return Ran(command, proc.returncode, out, err)


def check_serve(ran: Ran, folder: Path, env: dict[str, str]) -> None:
    assert ran.code in (0, 130, -signal.SIGINT), ran.err  # stopped by Ctrl+C
    assert f"http://127.0.0.1:{env['serve port']}/feeds/podcast.xml" in ran.out
    assert "Traceback" not in ran.err, ran.err


def prepare_make(folder: Path, env: object) -> None:
    """The Makefile beside the samples, with the installed .venv (its stamp up to date, so
    make does not reinstall)."""
    shutil.copy(ROOT / "Makefile", folder / "Makefile")
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    venv = folder / ".venv"
    venv.mkdir(exist_ok=True)
    if not (venv / "bin").exists():
        (venv / "bin").symlink_to(BIN)
    (venv / ".installed").touch()
    stamp = (venv / ".installed").stat().st_mtime
    os.utime(folder / "pyproject.toml", (stamp - 60, stamp - 60))


def check_demo(ran: Ran, folder: Path, env: object) -> None:
    ran.ok()
    (record,) = records(folder).values()
    assert len(record["items"]) == len(list((ROOT / "samples" / "articles").glob("*.txt")))  # type: ignore[arg-type]
    assert re.search(r"^MP3: +episodes/\S+\.mp3", ran.out, re.M) and "Feed:    feeds/" in ran.out
    page = re.search(r"^Page: +(site/\S+\.html)  \(index: site/index\.html\)$", ran.out, re.M)
    assert page and (folder / page.group(1)).is_file() and (folder / "site/index.html").is_file()


def check_make_test(ran: Ran, folder: Path, env: object) -> None:
    """`make test` is the suite itself (and what CI runs): its recipe is checked with a dry
    run instead of running the suite inside itself."""
    dry = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    assert "ruff check src tests benchmarks" in dry and "mypy --strict src" in dry
    assert re.search(r"pytest\b", dry), dry


def check_venv(ran: Ran, folder: Path, env: object) -> None:
    """The environment this suite runs in was made by these commands: it is a venv with
    phatthanh installed in editable mode from this very source tree."""
    from importlib.metadata import distribution

    assert (BIN.parent / "pyvenv.cfg").is_file()
    direct = json.loads(distribution("phatthanh").read_text("direct_url.json") or "{}")
    assert direct.get("dir_info", {}).get("editable") is True
    assert Path(urlsplit(direct["url"]).path).resolve() == ROOT.resolve()


def check_help(ran: Ran, folder: Path, env: object) -> None:
    ran.ok()
    assert "build-episode" in ran.out and "serve" in ran.out


def link_venv(folder: Path, env: object) -> None:
    (folder / ".venv").mkdir(exist_ok=True)
    if not (folder / ".venv" / "bin").exists():
        (folder / ".venv" / "bin").symlink_to(BIN)


def not_run(command: Command, folder: Path, env: dict[str, str]) -> Ran:
    return Ran(command, 0, "", "")


def check_bulletin(ran: Ran, folder: Path, env: object) -> None:
    ran.ok()
    (record,) = records(folder).values()
    assert record["priority"] == "khan_cap", record
    first = feed_entries(folder)[0]
    assert first.title == record["title"]
    manifest = json.loads((folder / "feeds" / "loudspeaker.json").read_text("utf-8"))
    assert manifest["episodes"][0]["priority"] == "khẩn cấp"


STATION_MACHINE = "run as root on a commune station's machine (systemd, apt, /opt, /srv)"


def check_station_machine(ran: Ran, folder: Path, env: object) -> None:
    """Not run here (root, systemd): the unit the operator enables runs the same agent, user
    and folder these commands set up, and the agent accepts the options they give."""
    unit = (ROOT / "docs" / "stations.md").read_text("utf-8")
    service = re.search(
        r"^ExecStart=/opt/phatthanh/bin/(phatthanh station run \S+ .*)$", unit, re.M
    )
    assert service and "--dir /srv/loa" in service.group(1), "the unit example changed"
    assert "User=loa" in unit and "ReadWritePaths=/srv/loa" in unit
    for words in (["station", "sync"], ["station", "run"], ["bulletin"]):
        helped = subprocess.run([str(BIN / "phatthanh"), *words, "--help"], capture_output=True,
                                text=True, check=True).stdout  # fmt: skip
        named = f"phatthanh {' '.join(words)} " in ran.command.text
        used = re.findall(r"(--[a-z-]+)", ran.command.text) if named else []
        assert all(option in helped for option in used), (used, helped)


TEXT_PAGES = r"phatthanh build-episode samples/articles/\S+\.txt( --\S+( \"[^\"]+\"| \S+)?)*"
CHECKS: dict[str, Checker] = {
    r"make demo( +#.*)?": Checker(check_demo, setup=prepare_make),
    r"make test( +#.*)?": Checker(
        check_make_test, run=not_run, note="the suite itself; its recipe is dry-run"
    ),
    r"python3 -m venv \.venv": Checker(
        check_venv, run=not_run, note="would replace the venv running this test"
    ),
    r"\.venv/bin/pip install -e \.( +#.*)?": Checker(
        check_venv, run=not_run, note="checked on the installed venv"
    ),
    r"\.venv/bin/phatthanh --help": Checker(check_help, setup=link_venv),
    r"phatthanh init": Checker(check_init),
    TEXT_PAGES: build_checker(expect_text_pages),
    r"phatthanh build-episode tin\.html --profile podcast": build_checker(
        expect_saved_page, write_saved_page
    ),
    rf"phatthanh build-episode {PORTAL}/tin/\S+\.html --profile podcast": build_checker(expect_url),
    rf"phatthanh build-episode {PORTAL}/rss/tin-tuc\.rss --latest 1 --profile podcast": (
        build_checker(expect_portal_feed, count_fetches)
    ),
    r"phatthanh build-episode episodes/sang\.toml --profile podcast": build_checker(
        expect_lineup, write_readme_lineup
    ),
    r"phatthanh feed": Checker(check_feed),
    r"phatthanh cache stats": Checker(check_cache_stats),
    r"phatthanh cache prune --older-than \d+": Checker(check_cache_prune),
    r"phatthanh script samples/articles/\S+\.txt": Checker(check_script),
    r"phatthanh script samples/articles/\S+\.txt --explain": Checker(check_explain),
    r"phatthanh script samples/articles/\S+\.txt --residue": Checker(check_residue),
    r"phatthanh script samples/articles/\S+\.txt --format json": Checker(check_script_json),
    r'phatthanh normalize "[^"]*\d[^"]*"': Checker(check_normalize),
    r'phatthanh normalize "Đồng chí Hà, HUV, về xã Bok Tới"': Checker(
        check_station_word, setup=write_editors_lexicon
    ),
    r"phatthanh review samples/articles/\*\.txt": Checker(check_review),
    r"phatthanh voices( --check)?": Checker(check_voices),
    r"phatthanh serve": Checker(check_serve, setup=write_served_files, run=run_serve),
    r'phatthanh bulletin "[^"]+" --priority khan_cap': Checker(check_bulletin),
    # operator steps on a station's own machine: the agent itself is tested against a real
    # server in test_station.py, the online-voice bulletin in test_bulletin.py
    r"python3 -m venv /opt/phatthanh && \S+ install \./phatthanh-\*\.whl": Checker(
        check_station_machine, run=not_run, note=STATION_MACHINE
    ),
    r"sudo .*": Checker(check_station_machine, run=not_run, note=STATION_MACHINE),
    r"journalctl .*": Checker(check_station_machine, run=not_run, note=STATION_MACHINE),
    r"/opt/phatthanh/bin/phatthanh station sync \S+ --dir /srv/loa": Checker(
        check_station_machine, run=not_run, note=STATION_MACHINE
    ),
    r'phatthanh bulletin \S+\.txt --title "[^"]+" --repeat \d --engine edge': Checker(
        check_station_machine, run=not_run, note="needs the online voice (test_bulletin.py)"
    ),
}


def checker_for(command: Command) -> Checker:
    found = [c for pattern, c in CHECKS.items() if re.fullmatch(pattern, command.text)]
    assert found, (
        f"{command.where}: `{command.text}` is documented but tests/test_readme.py has no "
        "check for it; add one to CHECKS"
    )
    assert len(found) == 1, f"{command.where}: `{command.text}` matches several checks"
    return found[0]


def test_every_documented_command_has_a_check() -> None:
    commands = [c for block in BLOCKS for c in block.commands]
    assert len(commands) >= 20 and any(c.where.startswith("README.md") for c in commands)
    for command in commands:
        checker_for(command)


def test_an_undocumented_command_has_no_check() -> None:
    with pytest.raises(AssertionError, match="has no check"):
        checker_for(Command("phatthanh build-episode --everything", "docs/x.md:1"))


def block_params() -> list[object]:
    return [pytest.param(block, id=block.id) for block in BLOCKS]


@pytest.mark.slow
@pytest.mark.timeout(HANG_GUARD_S * 2)
@pytest.mark.parametrize("block", block_params())
def test_documented_block_works_as_written(
    block: Block, tmp_path: Path, world: dict[str, str]
) -> None:
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    env = dict(world)
    for command in block.commands:
        checker = checker_for(command)
        checker.setup(tmp_path, env)
        ran = (checker.run or run_shell)(command, tmp_path, env)
        checker.check(ran, tmp_path, env)
