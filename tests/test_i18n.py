"""The staff's language: every message marked in src/ has a Vietnamese translation that keeps
its placeholders, the shipped .mo is the .po compiled, and real CLI runs speak Vietnamese
under a vi_VN locale unless `[station] ui_language` says otherwise."""

from __future__ import annotations

import gettext
import os
import re
import string
import subprocess
import sys
from collections import Counter
from pathlib import Path

import click
import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from phatthanh.cli.click_words import WORDS
from phatthanh.config import render_default_config
from phatthanh.i18n import LOCALE_DIR, locale_language, use_language

ROOT = Path(__file__).resolve().parents[1]
PO = LOCALE_DIR / "vi" / "LC_MESSAGES" / "phatthanh.po"
MO = PO.with_suffix(".mo")


def _keywords() -> dict[str, object]:
    """Babel's defaults plus the -k keywords `make messages` extracts with."""
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8")
    extra = re.findall(r"-k (\w+)", recipe)
    assert extra, "the Makefile's messages target names its extraction keywords"
    return {**DEFAULT_KEYWORDS, **dict.fromkeys(extra)}


def _extracted() -> set[str]:
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options = parse_mapping_cfg(cfg)
    found = extract_from_dir(ROOT / "src" / "phatthanh", method_map, options, _keywords())
    return {message for _file, _line, message, _comments, _context in found}  # type: ignore[misc]


def _catalog() -> dict[str, tuple[str, bool]]:
    with PO.open("rb") as f:
        return {m.id: (m.string, m.fuzzy) for m in read_po(f) if m.id and isinstance(m.id, str)}


def test_every_extracted_message_has_a_vietnamese_translation() -> None:
    extracted = _extracted()
    catalog = _catalog()
    assert len(extracted) > 250  # the extraction really ran over the marked messages
    missing = sorted(m for m in extracted if m not in catalog or not catalog[m][0])
    fuzzy = sorted(m for m in extracted if m in catalog and catalog[m][1])
    assert not missing, f"no Vietnamese translation (run 'make messages'): {missing[:5]}"
    assert not fuzzy, f"fuzzy translations to review: {fuzzy[:5]}"


def test_compiled_catalog_is_the_po_compiled() -> None:
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    catalog = _catalog()
    shipped = {k: v for k, v in compiled._catalog.items() if k}  # type: ignore[attr-defined]
    assert shipped == {msgid: text for msgid, (text, fuzzy) in catalog.items() if not fuzzy}, (
        "the .mo is stale: run 'make messages'"
    )


def _fields(text: str) -> Counter[tuple[str, str, str]]:
    return Counter(
        (name, conversion or "", spec or "")
        for _lit, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    )


def test_translations_keep_every_placeholder() -> None:
    catalog = _catalog()
    changed = [m for m, (text, _) in catalog.items() if text and _fields(m) != _fields(text)]
    assert not changed, f"placeholders differ from the msgid: {changed[:5]}"
    assert any(_fields(m) for m in catalog)  # the check sees placeholders at all


def test_locale_decides_when_the_config_does_not() -> None:
    assert locale_language({"LANG": "vi_VN.UTF-8"}) == "vi"
    assert locale_language({"LANG": "C.UTF-8"}) == "en"
    assert locale_language({"LC_ALL": "en_US.UTF-8", "LANG": "vi_VN.UTF-8"}) == "en"
    assert locale_language({"LANGUAGE": "vi:en", "LANG": "C"}) == "vi"
    assert locale_language({}) == "en"


def test_init_comments_are_all_translated() -> None:
    use_language("en")
    english = render_default_config().splitlines()
    use_language("vi")
    try:
        vietnamese = render_default_config().splitlines()
    finally:
        use_language(None)
    setting = re.compile(r"# \w+ = ")  # a commented default, the same in every language
    prose = {line for line in english if line.startswith("# ") and not setting.match(line)}
    assert prose and not prose & set(vietnamese)
    assert '# ui_language = ""' in vietnamese
    assert "# Ai phát hành: đài, chương trình của đài và địa phương của đài." in vietnamese


def _phatthanh(folder: Path, *args: str, lang: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "phatthanh", *args],
        cwd=folder, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_bad_config_is_one_vietnamese_line_under_a_vi_locale(tmp_path: Path) -> None:
    (tmp_path / "phatthanh.toml").write_text('[station]\nemail = "dai"\n', encoding="utf-8")
    run = _phatthanh(tmp_path, "feed", lang="vi_VN.UTF-8")
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        f"lỗi: {tmp_path / 'phatthanh.toml'}: 'station.email': 'dai' không phải địa chỉ e-mail; "
        "hãy ghi ví dụ 'dai@huyen.gov.vn'"
    ]


def test_ui_language_en_wins_over_a_vi_locale(tmp_path: Path) -> None:
    (tmp_path / "phatthanh.toml").write_text(
        '[station]\nui_language = "en"\nemail = "dai"\n', encoding="utf-8"
    )
    run = _phatthanh(tmp_path, "feed", lang="vi_VN.UTF-8")
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        f"error: {tmp_path / 'phatthanh.toml'}: 'station.email': 'dai' is not an e-mail "
        "address; write e.g. 'dai@huyen.gov.vn'"
    ]


def test_ui_language_vi_wins_over_an_english_locale(tmp_path: Path) -> None:
    config = tmp_path / "station.toml"
    config.write_text('[station]\nui_language = "vi"\n[voices]\nnope = 1\n', encoding="utf-8")
    run = _phatthanh(tmp_path, "feed", "--config", str(config), lang="C.UTF-8")
    assert run.returncode == 2
    assert run.stderr.startswith(f"lỗi: {config}: khóa 'voices.nope' không tồn tại;")


def test_an_invalid_ui_language_is_the_usual_config_error(tmp_path: Path) -> None:
    (tmp_path / "phatthanh.toml").write_text('[station]\nui_language = "fr"\n', encoding="utf-8")
    run = _phatthanh(tmp_path, "feed", lang="C.UTF-8")
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        f"error: {tmp_path / 'phatthanh.toml'}: 'station.ui_language': 'fr' is not a language "
        'of the messages; write "vi" (Vietnamese), "en" (English) or "" (follow the locale)'
    ]


def test_help_is_vietnamese_under_a_vi_locale(tmp_path: Path) -> None:
    run = _phatthanh(tmp_path, "build-episode", "--help", lang="vi_VN.UTF-8")
    assert run.returncode == 0
    text = " ".join(run.stdout.split())  # click wraps the lines
    assert "Dựng một số phát từ ARTICLES" in text
    assert "Dựng lại số phát đã đăng cho khung giờ này." in text
    assert "Rebuild an episode" not in text
    assert run.stdout.startswith("Cách dùng: phatthanh build-episode") and "Tùy chọn:" in text
    assert "Hiện hướng dẫn này rồi thoát." in text  # click's own words
    top = _phatthanh(tmp_path, "--help", lang="vi_VN.UTF-8").stdout
    assert "Hiện phiên bản rồi thoát." in top and "Show" not in top
    english = _phatthanh(tmp_path, "build-episode", "--help", lang="C.UTF-8")
    assert "Rebuild an episode already published for this slot." in " ".join(english.stdout.split())


@pytest.mark.parametrize("lang", ["vi_VN.UTF-8", "C.UTF-8"])
def test_placeholders_are_filled_in_either_language(tmp_path: Path, lang: str) -> None:
    run = _phatthanh(tmp_path, "build-episode", "x.txt", "--date", "24/11", lang=lang)
    assert run.returncode == 2
    assert "'24/11'" in run.stderr and "2026-11-24" in run.stderr and "{" not in run.stderr


def test_the_rerun_hint_is_translated_the_same_everywhere() -> None:
    """voices/breaker.py strips this tail from an online voice's error, in either language."""
    catalog = _catalog()
    tail = "; rerun to continue from the cache"
    ending = [m for m in catalog if m.endswith(tail)]
    assert len(ending) >= 2
    assert all(catalog[m][0].endswith(catalog[tail][0]) for m in ending)


def test_the_click_words_we_translate_are_clicks_own() -> None:
    """click_words marks click's message ids by hand: each must be one click really uses."""
    found = extract_from_dir(Path(click.__file__).parent, [("*.py", "python")])
    clicks = {message for _file, _line, message, _comments, _context in found}  # type: ignore[misc]
    assert WORDS and set(WORDS) <= clicks, sorted(set(WORDS) - clicks)


def test_a_usage_error_is_in_vietnamese_under_a_vi_locale(tmp_path: Path) -> None:
    run = _phatthanh(tmp_path, "feed", "--nope", lang="vi_VN.UTF-8")
    assert run.returncode == 2
    assert "Lỗi: Không có tùy chọn '--nope'." in run.stderr


def _format_calls() -> list[tuple[str, str, set[str] | None]]:
    """Each `_("...").format(...)` (or gettext/_l) in src/: where, the message, the names
    given (None when they come from **mapping)."""
    import ast

    calls = []
    for path in sorted((ROOT / "src" / "phatthanh").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            inner = node.func.value
            if node.func.attr != "format" or not isinstance(inner, ast.Call):
                continue
            if not (isinstance(inner.func, ast.Name) and inner.func.id in ("_", "gettext")):
                continue
            if not (inner.args and isinstance(inner.args[0], ast.Constant)):
                continue
            given = {k.arg for k in node.keywords if k.arg is not None}
            spread = any(k.arg is None for k in node.keywords)
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            calls.append((where, str(inner.args[0].value), None if spread else given))
    return calls


def test_every_formatted_message_gets_each_of_its_placeholders() -> None:
    """A missing name would raise KeyError on the error path instead of the message."""
    calls = _format_calls()
    assert len(calls) > 200
    for where, message, given in calls:
        names = {n for n, _c, _s in _fields(message)}
        if given is not None:
            assert names == given, f"{where}: {message!r} gets {sorted(given)}"
