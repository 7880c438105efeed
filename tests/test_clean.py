"""Speech text: golden written -> spoken pairs (by glob), typing repair, residue, properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phatthanh.clean import Normalizer, cleanup_unicode
from phatthanh.clean.numbers import number_words
from phatthanh.clean.settings import SpeechSettings

GOLDEN = Path(__file__).parent / "golden" / "speech"
CASES = sorted(GOLDEN.glob("*/*.in"))
NORMALIZER = Normalizer(SpeechSettings())


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden_pairs(case: Path) -> None:
    written = case.read_text("utf-8").rstrip("\n")
    expected = case.with_suffix(".out").read_text("utf-8").rstrip("\n")
    assert NORMALIZER.normalize(written).text == expected


def test_there_are_golden_pairs_for_every_rule_group() -> None:
    groups = {p.parent.name for p in CASES}
    assert {"spec_table", "numbers", "dates_times", "abbreviations", "units_money"} <= groups
    assert {f"rules_{g}" for g in ("numbers", "dates", "times", "document_codes", "roman",
            "ordinals_ratios_ranges", "phones", "typing_repair", "unicode")} <= groups  # fmt: skip
    # the classes read from real pages (issue 11)
    assert {f"rules_{g}" for g in ("capitals_as_words", "abbreviations_inventory",
            "dates_by_context", "zero_padded_counts", "roads_places_phones", "units_glued",
            "page_marks", "times_ranges", "roman_triggers")} <= groups  # fmt: skip
    assert len(CASES) >= 400


@pytest.mark.parametrize(
    ("written", "spoken"),
    [("hoà bình", "hòa bình"), ("thuỷ lợi", "thủy lợi"), ("baỏ vệ", "bảo vệ"),
     ("a\u200bb\u00a0c", "ab c"), ("khoe\u0309", "khỏe")],
)  # fmt: skip
def test_unicode_cleanup_picks_one_tone_style(written: str, spoken: str) -> None:
    assert cleanup_unicode(written) == spoken


def test_words_remembered_in_the_chosen_style_never_hide_one_in_the_old_style() -> None:
    # cleanup_unicode skips its tone pass when every vowel-pair word was seen before and kept
    # its mark; a word in the old style beside remembered ones must still be moved
    assert cleanup_unicode("hòa bình, thủy lợi") == "hòa bình, thủy lợi"
    assert cleanup_unicode("hòa bình, thuỷ lợi") == "hòa bình, thủy lợi"
    assert cleanup_unicode("hoà bình, thủy lợi") == "hòa bình, thủy lợi"
    assert cleanup_unicode("thuỷ lợi, hòa bình") == "thủy lợi, hòa bình"  # seen once already


def test_slips_respect_their_right_context_and_are_logged() -> None:
    spoken = NORMALIZER.normalize("cũng cố gắng để cũng cố niềm tin")
    assert spoken.text == "cũng cố gắng để củng cố niềm tin"
    assert spoken.repairs == ("'cũng cố' -> 'củng cố' (known slip)",)


@pytest.mark.parametrize("word", ["bus", "max", "how", "book", "new", "feed", "saw", "show"])
def test_english_words_survive_typing_repair(word: str) -> None:
    assert NORMALIZER.normalize(f"xe {word} mới").text == f"xe {word} mới"


def test_unknown_allcaps_is_spelled_and_reported() -> None:
    spoken = NORMALIZER.normalize("Đài VTV đưa tin")
    assert spoken.text == "Đài vê tê vê đưa tin"
    assert [(r.text, r.reason) for r in spoken.residue] == [
        ("VTV", "unknown abbreviation, spelled out")
    ]


def test_station_lexicon_wins_without_code_changes() -> None:
    normalizer = Normalizer(SpeechSettings(lexicon={"Đakrông": "Đa Krông", "VTV": "vê tê vê"}))
    spoken = normalizer.normalize("Huyện Đakrông xem VTV")
    assert spoken.text == "Huyện Đa Krông xem vê tê vê"
    assert spoken.residue == ()


@pytest.mark.parametrize(
    ("setting", "spoken"),
    [("drop", "Nghị quyết số hai mươi lăm"),
     ("spell", "Nghị quyết số hai mươi lăm en-nờ quy, tê vê kép"),
     ("expand", "Nghị quyết số hai mươi lăm nghị quyết Trung ương")],
)  # fmt: skip
def test_document_code_policies(setting: str, spoken: str) -> None:
    normalizer = Normalizer(SpeechSettings(document_codes=setting))  # type: ignore[arg-type]
    assert normalizer.normalize("Nghị quyết số 25-NQ/TW").text == spoken


def test_settings_for_mong_le_and_ngan() -> None:
    normalizer = Normalizer(SpeechSettings(mong=False, zero_tens="lẻ", thousand="ngàn"))
    assert normalizer.normalize("Ngày 03/6/2013 có 105 hộ").text == (
        "Ngày ba tháng sáu năm hai ngàn không trăm mười ba có một trăm lẻ năm hộ"
    )


# --- properties ---------------------------------------------------------------------

_UNITS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5,
          "lăm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}  # fmt: skip


def parse_words(text: str) -> int:
    """The inverse of number_words, written independently of it."""
    total, group, current = 0, 0, 0
    for word in text.split():
        if word in _UNITS:
            current = _UNITS[word]
        elif word == "mười":
            current = 10
        elif word == "mươi":
            current *= 10
        elif word == "linh":
            continue
        elif word == "trăm":
            group += current * 100
            current = 0
            continue
        elif word in ("nghìn", "triệu", "tỷ"):
            scale = {"nghìn": 1000, "triệu": 1_000_000, "tỷ": 1_000_000_000}[word]
            group += current
            if word == "tỷ":
                total = (total + group) * scale
            else:
                total += group * scale
            group, current = 0, 0
            continue
        else:
            raise ValueError(word)
        # units after a tens word add to it
        if (word in _UNITS and group % 100 >= 10 and group % 10 == 0 and current < 10) or word in (
            "mười",
            "mươi",
        ):
            group += current
            current = 0
    return total + group + current


@given(st.integers(min_value=0, max_value=10**12 - 1))
@settings(max_examples=400, deadline=None)
def test_number_words_parse_back(n: int) -> None:
    assert parse_words(number_words(n)) == n


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_normalize_never_raises_and_leaves_no_digits(text: str) -> None:
    spoken = NORMALIZER.normalize(text)
    assert not any(ch in "0123456789" for ch in spoken.text)


_NEWSY = st.lists(
    st.sampled_from(
        ["Ngày 03/6/2013", "UBND", "tăng 5,12%", "lúc 10h30", "khóa XI", "số 25-NQ/TW",
         "0912.345.678", "xã", "Tân Lập", "650 ha", "VTV", ",", ".", "thứ 2", "2020-2025"]
    ),
    max_size=12,
).map(" ".join)  # fmt: skip


@given(_NEWSY)
@settings(max_examples=200, deadline=None)
def test_normalizing_spoken_text_again_changes_nothing(text: str) -> None:
    once = NORMALIZER.normalize(text).text
    assert NORMALIZER.normalize(once).text == once


def test_addresses_can_be_read_aloud() -> None:
    normalizer = Normalizer(SpeechSettings(addresses="read"))
    assert normalizer.normalize("Gửi về ubnd@songxanh.gov.vn").text == (
        "Gửi về ubnd a còng songxanh chấm gov chấm vn"
    )
