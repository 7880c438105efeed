"""The command line: exit codes, one-line errors, help with defaults, nothing half-written."""

from __future__ import annotations

import io
import json
import re
import socket
from pathlib import Path

import click
import pytest

from phatthanh.cli import main
from tests.edge_server import EdgeServer

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "articles" / "02-vu-mua.txt"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def station(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "podcast.xml").write_text("<rss>previous feed</rss>", "utf-8")
    return tmp_path


def test_init_writes_a_config_and_refuses_to_overwrite(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "init")
    assert code == 0
    assert out.strip() == f"wrote {station / 'phatthanh.toml'}"
    text = (station / "phatthanh.toml").read_text("utf-8")
    assert "[station]" in text and "# target_lufs = -19.0" in text
    code, _, err = run(capsys, "init")
    assert code == 2
    assert err.strip() == (
        f"error: {station / 'phatthanh.toml'}: already exists; use --force to overwrite it"
    )


def test_every_option_of_every_command_has_a_help_line() -> None:
    from phatthanh.cli import _register, cli

    _register()
    commands: list[click.Command] = []
    pending: list[click.Command] = [cli]
    while pending:
        command = pending.pop()
        commands.append(command)
        if isinstance(command, click.Group):
            pending.extend(command.commands.values())
    assert {"init", "build-episode", "script", "feed"} <= {c.name for c in commands}
    for command in commands:
        assert command.help, command.name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{command.name} {param.opts}"


def test_build_help_shows_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "build-episode", "--help")
    out = " ".join(out.split())
    assert "[default: the config's [voices] engine]" in out
    assert "[default: ./phatthanh.toml if present]" in out


def _assert_clean_failure(station: Path, code: int, err: str, name: str) -> None:
    assert code == 3, err
    lines = [ln for ln in err.strip().splitlines() if not ln.startswith("warning: [station]")]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and name in lines[0]
    assert "Traceback" not in err
    assert (station / "feeds" / "podcast.xml").read_text("utf-8") == "<rss>previous feed</rss>"
    assert not (station / "episodes").exists() or not any((station / "episodes").iterdir())


def test_missing_file_is_one_line_and_publishes_nothing(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "build-episode", "khong-co.txt", "--engine", "espeak")
    _assert_clean_failure(station, code, err, "khong-co.txt")


def test_empty_file_is_one_line_and_publishes_nothing(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (station / "trong.txt").write_text("  \n\n", "utf-8")
    code, _, err = run(capsys, "build-episode", "trong.txt", "--engine", "espeak")
    _assert_clean_failure(station, code, err, "trong.txt")


def test_binary_file_is_one_line_and_publishes_nothing(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (station / "anh.txt").write_bytes(bytes(range(256)) * 40)
    code, _, err = run(capsys, "build-episode", "anh.txt", "--engine", "espeak")
    _assert_clean_failure(station, code, err, "anh.txt")


def test_boilerplate_only_page_is_one_line_and_publishes_nothing(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (station / "rong.txt").write_text(
        "Chi tiết tin tức - Huyện Sông Xanh\n\n"
        "Tổng số điểm của bài viết là: 0 trong 0 đánh giá\n\n"
        "Click để đánh giá bài viết\n\n  Ý kiến bạn đọc\n\nVideo clips\n"
        "Thống kê lượt truy cập\n  • Hôm nay1,204\nChương trình phát thanh\n",
        "utf-8",
    )
    code, _, err = run(capsys, "build-episode", "rong.txt", "--engine", "espeak")
    _assert_clean_failure(station, code, err, "rong.txt")


def test_verbose_adds_the_traceback(station: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--verbose", "build-episode", "khong-co.txt")
    assert code == 3
    assert "Traceback" in err
    assert err.strip().splitlines()[-1].startswith("error: ")


def test_bad_date_option_is_a_usage_error(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "build-episode", str(SAMPLE), "--date", "24/11/2026")
    assert code == 2
    assert err.strip() == "error: --date '24/11/2026': use the form YYYY-MM-DD, e.g. 2026-11-24"


def test_script_json_has_the_schema(station: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "script", str(SAMPLE), "--format", "json")
    assert code == 0
    (item,) = json.loads(out)
    assert item["source"] == str(SAMPLE)
    assert item["title"] == "Nông dân xã Tân Lập thu hoạch lúa vụ mùa đạt năng suất cao"
    assert item["published"] == "2026-11-20T15:04:00+07:00"
    assert item["author"] == "Quốc Việt"
    assert isinstance(item["warnings"], list)
    kinds = [s["kind"] for s in item["segments"]]
    assert kinds[0] == "title" and kinds[-1] == "byline" and set(kinds[1:-1]) == {"body"}
    assert all(set(s) == {"kind", "display", "spoken"} for s in item["segments"])
    spoken = " ".join(s["spoken"] for s in item["segments"])
    assert not any(ch.isdigit() for ch in spoken)
    assert "Hợp tác xã" in spoken or "hợp tác xã" in spoken


def test_script_explain_lists_every_line_with_its_rule(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "script", str(SAMPLE), "--explain")
    assert code == 0
    lines = out.splitlines()[1:]
    dropped = [ln for ln in lines if " drop " in ln]
    kept = [ln for ln in lines if " keep " in ln]
    assert any("Chi tiết tin tức" in ln for ln in dropped)
    assert any("Click để đánh giá" in ln for ln in dropped)
    assert any("Những ngày này" in ln for ln in kept)


def test_script_residue_names_article_segment_and_position(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = station / "tin.txt"
    page.write_text(
        "Xã Tân Lập đón đoàn kiểm tra\n\n8:00, Thứ Ba, 18-11-2026 90 0\n\n"
        "Đoàn công tác của VTV đã làm việc với xã về dự án ABC.\n\nThu Hà\n",
        "utf-8",
    )
    code, out, _ = run(capsys, "script", str(page), "--residue")
    assert code == 0
    sentence = "Đoàn công tác của VTV đã làm việc với xã về dự án ABC."
    assert out.strip().splitlines() == [
        f"{page}: segment 2, char {sentence.index(word)}: '{word}' "
        "(unknown abbreviation, spelled out)"
        for word in ("VTV", "ABC")
    ]


def test_serve_on_a_busy_port_is_one_line_naming_the_port(
    station: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out, err = run(capsys, "serve", "--port", str(port))
    assert code == 2, err  # a command-line option to change, not an article error (3)
    assert err.strip() == (
        f"error: listening on 127.0.0.1 port {port} is already in use; choose another with "
        "--port or stop what uses it"
    )
    assert out == ""


def test_voices_contacts_the_online_service_only_with_check(
    station: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with EdgeServer() as edge:
        monkeypatch.setenv("PHATTHANH_EDGE_ENDPOINT", edge.endpoint)
        code, out, _ = run(capsys, "voices")
        assert code == 0 and edge.voice_lists == edge.requests == 0
        assert "edge: not checked (online; --check contacts the service)" in out.splitlines()
        assert re.search(r"^espeak \(configured\): available$", out, re.M), out
        code, out, _ = run(capsys, "voices", "--check")
        assert code == 0 and edge.voice_lists >= 1
        assert "edge: available" in out.splitlines()


def test_progress_shows_the_step_and_time_not_a_placeholder_eta() -> None:
    from rich.console import Console

    from phatthanh.cli.progress import RichProgress

    progress = RichProgress()
    progress.start("Mastering", 4)
    progress.advance(1, "master written")
    screen = Console(file=io.StringIO(), width=160, color_system=None)
    bar = progress._bar
    screen.print(bar.make_tasks_table(bar.tasks))
    line = screen.file.getvalue()  # type: ignore[attr-defined]
    assert re.search(r"Mastering .*1/4 master written 0:00:0\d", line), line
    assert "-:--:--" not in line and "ETA" not in line  # no estimate from one uneven step
