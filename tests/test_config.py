"""The config loader: sections merged over their defaults, validated by pydantic, and
one-line errors naming the file, the key and a valid example; loading imports no stage."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from phatthanh.config import Config, load_config, render_default_config
from phatthanh.errors import ConfigError
from phatthanh.settings import check_air_slots


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "phatthanh.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_sections_take_the_defaults_and_root_is_the_config_folder(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[station]\nname = "Đài Truyền thanh xã Tân Lập"\n'))
    assert config.station.name == "Đài Truyền thanh xã Tân Lập"
    assert config.site.name == "Đài Truyền thanh xã Tân Lập"
    assert config.station.program == Config().station.program
    assert config.root == tmp_path.resolve()
    assert config.episodes_dir == tmp_path.resolve() / "episodes"
    assert config.feeds_dir == tmp_path.resolve() / "feeds"


def test_nested_tables_and_lists_are_typed(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            '[master]\nrenditions = ["podcast", "broadcast"]\n'
            "[master.podcast]\ntarget_lufs = -18\ntrue_peak_max_dbtp = -1.5\n"
            "sample_rate_hz = 44100\nbitrate_kbps = 128\n"
            '[speech.lexicon]\n"Đakrông" = "Đa Krông"\n',
        )
    )
    assert config.master.renditions == ("podcast", "broadcast")
    assert config.master.podcast.target_lufs == -18.0
    assert isinstance(config.master.podcast.target_lufs, float)
    assert config.master.podcast.bitrate_kbps == 128
    assert config.speech.lexicon == {"Đakrông": "Đa Krông"}


def test_one_key_of_one_profile_is_set_alone(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[master.loudspeaker]\ntarget_lufs = -14\n"))
    defaults = Config().master
    assert config.master.loudspeaker.target_lufs == -14.0
    assert config.master.loudspeaker.bitrate_kbps == defaults.loudspeaker.bitrate_kbps
    assert config.master.loudspeaker.speech_band is True
    assert config.master.podcast == defaults.podcast
    assert config.master.broadcast == defaults.broadcast


def test_one_lexicon_entry_is_set_alone_and_read_aloud(tmp_path: Path) -> None:
    from phatthanh.clean import Normalizer

    config = load_config(write(tmp_path, '[speech.lexicon]\n"HTX" = "hợp tác xã"\n'))
    assert config.speech.lexicon == {"HTX": "hợp tác xã"}
    assert config.speech.max_segment_chars == Config().speech.max_segment_chars
    assert "hợp tác xã" in Normalizer(config.speech).normalize("HTX Tân Lập họp.").text


def test_every_setting_init_writes_can_be_uncommented_alone(tmp_path: Path) -> None:
    """Each commented setting of `phatthanh init`, uncommented alone under its table,
    loads back to the defaults (the table headers stay as init writes them)."""
    text = render_default_config()
    lines = text.splitlines()
    setting = re.compile(r"^# [a-z_]+ = ")
    indexes = [i for i, line in enumerate(lines) if setting.match(line)]
    assert len(indexes) > 50  # every section's settings are there
    defaults = Config(root=tmp_path.resolve())
    for i in indexes:
        edited = [*lines[:i], lines[i][2:], *lines[i + 1 :]]
        loaded = load_config(write(tmp_path, "\n".join(edited)))
        assert loaded == defaults, lines[i]


def test_rendered_defaults_parse_back_to_the_defaults(tmp_path: Path) -> None:
    text = render_default_config()
    setting = re.compile(r"^# [a-z_]+ = ")
    uncommented = "\n".join(line[2:] if setting.match(line) else line for line in text.splitlines())
    path = write(tmp_path, uncommented)
    assert tomllib.loads(uncommented)  # valid TOML once uncommented
    loaded = load_config(path)
    assert loaded == Config(root=loaded.root)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[station]\nnmae = 1\n", "unknown key 'station.nmae'"),
        ("[master.podcast]\nlufs = -18\n", "unknown key 'master.podcast.lufs'"),
        ("[stations]\n", "unknown section [stations]"),
        ('[master]\nrenditions = "podcast"\n', "'master.renditions' must be a list"),
        ("[station]\nname = 5\n", "'station.name' must be a string, not 5"),
        ("[publish]\nretention = true\n", "'publish.retention' must be a whole number, not true"),
        ('[publish]\nport = "8765"\n', "'publish.port' must be a whole number"),
        ('[voices]\nengine = "google"\n', "'voices.engine' must be 'auto', 'espeak', 'edge'"),
        ("[station\n", "not valid TOML"),
        ("[program]\nbed_duck_db = 6\n", "'program.bed_duck_db' must be greater than or equal"),
        # ranges, enums and formats, each with a valid example
        ('[publish]\ncategory = "Tin tức"\n', "'Tin tức' is not an Apple Podcasts category"),
        ('[publish]\npublish_time = "25:00"\n', 'not a 24-hour time HH:MM, e.g. "06:00"'),
        ('[station]\ntimezone = "Asia/Ho_Chi_Minh"\n', "is a zone name; write its offset"),
        ('[station]\ntimezone = "GMT+7"\n', 'not a UTC offset; write e.g. "+07:00"'),
        ("[master.podcast]\ntarget_lufs = 5\n", "'master.podcast.target_lufs' must be less"),
        ("[master.podcast]\nbitrate_kbps = 100\n", "'master.podcast.bitrate_kbps' must be 32"),
        ("[master]\nrenditions = []\n", "'master.renditions' must be a non-empty list"),
        ('[master]\nrenditions = ["radio"]\n', "'master.renditions.0' must be 'podcast'"),
        ('[voices]\ncache_dir = ""\n', "'voices.cache_dir': must not be empty"),
        ('[voices]\nchain = ["google"]\n', "'google' names no engine"),
        ('[voices.edge]\nrate = "fast"\n', "'fast' has the wrong form; write e.g. '-10%'"),
        ("[articles]\nfetch_timeout_s = 0\n", "'articles.fetch_timeout_s' must be greater than 0"),
        ("[speech]\nmax_segment_chars = 0\n", "'speech.max_segment_chars' must be greater"),
        ('[speech.lexicon]\n"" = "trống"\n', "'speech.lexicon': an entry has an empty written"),
        ('[station]\nbase_url = "radio.vn"\n', "'station.base_url': 'radio.vn' is not an http"),
        ('[station]\nemail = "dai"\n', "'dai' is not an e-mail address"),
        ('[station]\nlocation_geo = "Quảng Trị"\n', "is not a geo URI"),
        ('[station]\npodcast_guid = "abc"\n', "'abc' is not a UUID"),
    ],
)
def test_bad_config_is_one_line_naming_file_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    text_of_error = str(caught.value)
    assert message in text_of_error
    assert str(path) in text_of_error
    assert "\n" not in text_of_error


def test_range_errors_give_the_default_as_an_example(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "[master.podcast]\ntarget_lufs = 5\n"))
    assert str(caught.value).endswith("not 5; e.g. target_lufs = -19.0")


def test_missing_config_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="phatthanh init"):
        load_config(tmp_path / "nope.toml")


def test_station_audio_is_not_touched_when_the_config_is_read(tmp_path: Path) -> None:
    """A missing jingle is the build's problem (prepare_station), not every command's."""
    config = load_config(write(tmp_path, '[program]\nbed = "khong-co.wav"\n'))
    assert config.program.bed == "khong-co.wav"
    assert not (tmp_path / ".cache").exists()


@pytest.mark.parametrize("slots", [["06:00"], ["06:00", "17:30"], []])
def test_air_slots_in_24_hour_form_are_accepted(slots: list[str]) -> None:
    assert check_air_slots(slots) == tuple(slots)


@pytest.mark.parametrize(("slots", "message"), [
    (["6h"], "'6h' is not a 24-hour time HH:MM"),
    (["25:99"], "'25:99' is not a 24-hour time HH:MM"),
    ("06:00", "must be a list of times"),
])  # fmt: skip
def test_bad_air_slots_are_refused_with_an_example(slots: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        check_air_slots(slots)


def test_loading_the_config_imports_no_stage(tmp_path: Path) -> None:
    """phatthanh.config is a leaf: no stage module, no numpy/scipy/PIL/lxml/httpx, no ffmpeg."""
    path = write(tmp_path, '[station]\nname = "Đài xã Tân Lập"\n[program]\nbed = "nhac.wav"\n')
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from phatthanh.config import load_config\n"
        f"config = load_config(Path({str(path)!r}))\n"
        "print(json.dumps([config.site.name, sorted(sys.modules)]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    name, modules = json.loads(out.stdout)
    assert name == "Đài xã Tân Lập"
    ours = {m for m in modules if m.startswith("phatthanh")}
    assert ours == {"phatthanh", "phatthanh.config", "phatthanh.errors", "phatthanh.i18n"} | {
        m for m in ours if m.startswith("phatthanh.settings")
    }
    heavy = {"numpy", "scipy", "PIL", "lxml", "httpx", "jinja2", "mutagen", "feedgen", "pydub"}
    assert heavy.isdisjoint(modules)
    assert "subprocess" not in modules  # nothing is run either
