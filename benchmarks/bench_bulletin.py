"""Bulletins (issue 14): from the command to published files (feed, manifest, section page)
for a 300-word notice, with the offline voice (target under 15 s) and with the online voice
stalled (the local protocol server never answers; the circuit breaker must cut over after
one request timeout instead of retrying for minutes). The real `phatthanh bulletin` command
runs in its own process, with a fresh clip cache, as staff would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.edge_server import EdgeServer

TARGET_S = 15.0
_SENTENCES = (
    "Theo tin từ Ban chỉ huy phòng chống thiên tai huyện, áp thấp nhiệt đới đã mạnh lên "
    "thành bão và đang di chuyển nhanh về phía đất liền.",
    "Dự kiến từ chiều mai, các xã ven sông sẽ có mưa rất to, gió giật mạnh và nước sông "
    "dâng cao nhanh.",
    "Đề nghị bà con không ra đồng, không đánh bắt trên sông, đưa trâu bò lên chỗ cao và "
    "chằng chống mái nhà.",
    "Các hộ ở vùng trũng chuẩn bị sẵn lương thực, nước uống, đèn pin và thuốc men cho ít "
    "nhất ba ngày.",
    "Khi có lệnh sơ tán, bà con đến điểm tập trung tại trường học hoặc trụ sở xã theo hướng "
    "dẫn của tổ dân phố.",
    "Người già, trẻ nhỏ và người bệnh cần được đưa đi trước, có người thân hoặc cán bộ xã đi cùng.",
    "Tuyệt đối không qua lại ngầm tràn, cầu yếu và khu vực có nguy cơ sạt lở khi trời mưa lớn.",
    "Mọi thông tin cần hỗ trợ, bà con gọi số trực ban của xã hoặc báo ngay cho trưởng thôn.",
)


def notice(words: int = 300) -> str:
    parts: list[str] = []
    while sum(len(p.split()) for p in parts) < words:
        parts.append(_SENTENCES[len(parts) % len(_SENTENCES)])
    return "\n".join(parts)


def run_bulletin(root: Path, engine: str, env: dict[str, str]) -> tuple[float, dict[str, str]]:
    """Seconds from starting the command to its exit with the files published; the top
    entry of the manifest."""
    text = root / "thong-bao.txt"
    text.write_text(notice(), "utf-8")
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "phatthanh", "bulletin", str(text), "--engine", engine,
         "--config", str(root / "phatthanh.toml")],
        check=True, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    manifest = json.loads((root / "feeds" / "loudspeaker.json").read_text("utf-8"))
    top: dict[str, str] = manifest["episodes"][0]
    record = json.loads(next((root / "episodes").glob("*/episode.json")).read_text("utf-8"))
    top["engine"] = record["engine"]
    return elapsed, top


def main() -> None:
    words = len(notice().split())
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} at the start")
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost"}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "offline"
        root.mkdir()
        (root / "phatthanh.toml").write_text("", "utf-8")
        elapsed, top = run_bulletin(root, "espeak", env)
        verdict = "ok" if elapsed < TARGET_S else "OVER"
        print(f"offline voice: {words}-word notice read twice, published in {elapsed:.1f} s "
              f"(target {TARGET_S:g} s) {verdict}; top of manifest: {top['title']} "
              f"[{top['priority']}], read by {top['engine']}")  # fmt: skip
        with EdgeServer(fault="stall") as server:
            root = Path(tmp) / "stalled"
            root.mkdir()
            (root / "phatthanh.toml").write_text("", "utf-8")
            stalled = {**env, "PHATTHANH_EDGE_ENDPOINT": server.endpoint}
            elapsed, top = run_bulletin(root, "edge", stalled)
            print(f"online voice stalled: published in {elapsed:.1f} s after "
                  f"{server.handshakes} online request(s), read by {top['engine']} "
                  f"(before the breaker: 5 attempts x 30 s per segment)")  # fmt: skip
