"""The config loader: typed sections, defaults, and one-line errors naming the file and key."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from phatthanh.config import Config, load_config, render_default_config
from phatthanh.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "phatthanh.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_sections_take_the_defaults_and_root_is_the_config_folder(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[station]\nname = "Đài Truyền thanh xã Tân Lập"\n'))
    assert config.station.name == "Đài Truyền thanh xã Tân Lập"
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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[station]\nnmae = 1\n", "unknown key 'station.nmae'"),
        ("[stations]\n", "unknown section [stations]"),
        ('[master]\nrenditions = "podcast"\n', "'master.renditions' must be a list of"),
        ("[station]\nname = 5\n", "'station.name' must be a string, not 5"),
        ("[publish]\nretention = true\n", "'publish.retention' must be a whole number"),
        ('[voices]\nengine = "google"\n', "'voices.engine' must be one of 'auto', 'espeak'"),
        ("[station\n", "not valid TOML"),
        ("[program]\nbed_duck_db = 6\n", "bed_duck_db must be at least 12"),
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


def test_missing_config_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="phatthanh init"):
        load_config(tmp_path / "nope.toml")


def test_rendered_defaults_parse_back_to_the_defaults(tmp_path: Path) -> None:
    text = render_default_config()
    setting = re.compile(r"^# [a-z_]+ = ")
    uncommented = "\n".join(line[2:] if setting.match(line) else line for line in text.splitlines())
    path = write(tmp_path, uncommented)
    assert tomllib.loads(uncommented)  # valid TOML once uncommented
    loaded = load_config(path)
    defaults = Config(root=loaded.root)
    assert loaded == defaults


def test_station_audio_is_checked_when_the_config_is_loaded(tmp_path: Path) -> None:
    from phatthanh.ffmpeg import run_ffmpeg

    run_ffmpeg(["-f", "lavfi", "-i", "sine=duration=2", str(tmp_path / "nhac.wav")])
    (tmp_path / "sai.mp3").write_text("không phải âm thanh", "utf-8")
    good = write(tmp_path, '[program]\nopening_jingle = "nhac.wav"\n')
    assert load_config(good).program.opening_jingle == "nhac.wav"
    bad = write(tmp_path, '[program]\nstinger = "sai.mp3"\n')
    with pytest.raises(ConfigError, match=r"sai\.mp3: stinger is not audio ffmpeg can read"):
        load_config(bad)
    missing = write(tmp_path, '[program]\nbed = "khong-co.wav"\n')
    with pytest.raises(ConfigError, match=r"bed file not found"):
        load_config(missing)
