"""phatthanh.toml -> typed, validated Config.

Each stage owns the dataclass of its own section (`articles/settings.py`, ...); this module
composes them, reads TOML into them by their type annotations, and refuses unknown keys and
wrong types with a message naming the file and the key. Defaults live on the fields; the
`help` metadata of each field is what `phatthanh init` writes as a comment.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit

from phatthanh.articles.settings import ArticleSettings
from phatthanh.clean.settings import SpeechSettings
from phatthanh.errors import ConfigError
from phatthanh.master.settings import MasterSettings
from phatthanh.program.settings import ProgramSettings
from phatthanh.publish.settings import PublishSettings
from phatthanh.voices.settings import VoiceSettings

CONFIG_NAME = "phatthanh.toml"


def _help(text: str) -> dict[str, str]:
    return {"help": text}


def _check_url(value: str, key: str) -> None:
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(c in value for c in " <>\"'")
    ):
        raise ValueError(
            f"{key} must be an http(s) URL like https://radio.example.vn, not {value!r}"
        )


@dataclass(frozen=True)
class StationSettings:
    """Who publishes: the station, its program and where it is."""

    def __post_init__(self) -> None:
        _check_url(self.base_url, "base_url")
        _check_url(self.website, "website")
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", self.email):
            raise ValueError(f"email must be an e-mail address, not {self.email!r}")

    name: str = field(
        default="Đài Truyền thanh huyện Sông Xanh",
        metadata=_help("station name, read in the opening and used as the feed author"),
    )
    program: str = field(
        default="Chương trình phát thanh",
        metadata=_help("program name (ID3 album, feed title)"),
    )
    district: str = field(
        default="huyện Sông Xanh", metadata=_help("district or commune the station serves")
    )
    website: str = field(
        default="https://songxanh.example.gov.vn",
        metadata=_help("the station's website (feed <link>)"),
    )
    base_url: str = field(
        default="http://127.0.0.1:8765",
        metadata=_help(
            "public URL where episodes/ and feeds/ are served (feed and enclosure URLs)"
        ),
    )
    email: str = field(
        default="dai-truyen-thanh@songxanh.example.gov.vn",
        metadata=_help("owner e-mail (itunes:owner, podcast:locked)"),
    )
    description: str = field(
        default="Bản tin thời sự, chính sách và đời sống của địa phương, phát hằng ngày.",
        metadata=_help("show description in the feed (Vietnamese)"),
    )
    copyright: str = field(
        default="Bản quyền thuộc Đài Truyền thanh huyện Sông Xanh",
        metadata=_help("copyright notice in the feed"),
    )
    air_time: str = field(
        default="sáu giờ sáng và mười bảy giờ",
        metadata=_help("when the program airs, as the announcer says it"),
    )
    frequency: str = field(
        default="", metadata=_help("FM frequency to announce, e.g. '98,5 MHz' (empty: none)")
    )
    cover: str = field(
        default="", metadata=_help("cover image (JPEG/PNG, square); empty: one is drawn")
    )
    location_geo: str = field(
        default="", metadata=_help("podcast:location geo URI, e.g. 'geo:16.6,106.9'")
    )
    timezone: str = field(
        default="+07:00", metadata=_help("UTC offset for dates that pages give without one")
    )


@dataclass(frozen=True)
class Config:
    """The whole configuration. `root` is the folder outputs are written under."""

    root: Path = field(default_factory=Path.cwd)
    station: StationSettings = field(default_factory=StationSettings)
    articles: ArticleSettings = field(default_factory=ArticleSettings)
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    voices: VoiceSettings = field(default_factory=VoiceSettings)
    program: ProgramSettings = field(default_factory=ProgramSettings)
    master: MasterSettings = field(default_factory=MasterSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)

    @property
    def episodes_dir(self) -> Path:
        return self.root / "episodes"

    @property
    def feeds_dir(self) -> Path:
        return self.root / "feeds"

    def resolve(self, path: str | Path) -> Path:
        """A path from the config, relative to the config's folder."""
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.root / p


_SECTIONS = ("station", "articles", "speech", "voices", "program", "master", "publish")


def find_config(start: Path | None = None) -> Path | None:
    """The phatthanh.toml in `start` (default: the current folder), if there is one."""
    candidate = (start or Path.cwd()) / CONFIG_NAME
    return candidate if candidate.is_file() else None


def load_config(path: Path | None = None) -> Config:
    """Read `path` (or ./phatthanh.toml if it exists, else defaults) into a Config."""
    if path is None:
        path = find_config()
        if path is None:
            return Config(root=Path.cwd())
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found; run 'phatthanh init' to write one")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    unknown = sorted(set(raw) - set(_SECTIONS))
    if unknown:
        raise ConfigError(
            f"{path}: unknown section [{unknown[0]}]; known sections: {', '.join(_SECTIONS)}"
        )
    hints = get_type_hints(Config)
    values: dict[str, Any] = {"root": path.resolve().parent}
    for name in _SECTIONS:
        section = raw.get(name, {})
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: '{name}' must be a table ([{name}])")
        values[name] = _build(hints[name], section, f"{name}", path)
    config = Config(**values)
    _check_station_audio(config)
    return config


def _check_station_audio(config: Config) -> None:
    """Station audio named in [program] must decode and last a sensible time: checked now,
    not halfway through a build."""
    from phatthanh.program.jingles import check_station_audio

    program = config.program
    for key in ("opening_jingle", "closing_jingle", "stinger", "bed"):
        value = getattr(program, key)
        if value:
            check_station_audio(config.resolve(value), config.resolve(".cache/assets"), key)


def config_from_dict(raw: dict[str, Any], root: Path, origin: str = "<config>") -> Config:
    """Build a Config from already-parsed TOML (tests, lineup files)."""
    hints = get_type_hints(Config)
    values: dict[str, Any] = {"root": root}
    for name in _SECTIONS:
        values[name] = _build(hints[name], raw.get(name, {}), name, Path(origin))
    return Config(**values)


def _build(cls: Any, data: dict[str, Any], where: str, path: Path) -> Any:
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(
            f"{path}: unknown key '{where}.{unknown[0]}'; check the spelling against "
            "'phatthanh init' output"
        )
    kwargs = {
        key: _convert(hints[key], value, f"{where}.{key}", path) for key, value in data.items()
    }
    try:
        return cls(**kwargs)
    except (ValueError, TypeError) as exc:  # __post_init__ validation
        raise ConfigError(f"{path}: [{where}] {exc}") from None


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", str(tp)).replace("typing.", "")


def _convert(tp: Any, value: Any, where: str, path: Path) -> Any:
    origin = get_origin(tp)
    args = get_args(tp)
    wrong = ConfigError(f"{path}: '{where}' must be {_describe(tp)}, not {value!r}")
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _convert(arg, value, where, path)
            except ConfigError:
                continue
        raise wrong
    if origin is Literal:
        if value not in args:
            raise ConfigError(
                f"{path}: '{where}' must be one of {', '.join(map(repr, args))}, not {value!r}"
            )
        return value
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise wrong
        return _build(tp, value, where, path)
    if origin is tuple:
        if not isinstance(value, list):
            raise wrong
        item_tp = args[0]
        return tuple(_convert(item_tp, v, f"{where}[{i}]", path) for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise wrong
        key_tp, val_tp = args
        return {
            _convert(key_tp, k, where, path): _convert(val_tp, v, f"{where}.{k}", path)
            for k, v in value.items()
        }
    if tp is bool:
        if not isinstance(value, bool):
            raise wrong
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise wrong
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise wrong
        return value
    if tp is Path:
        if not isinstance(value, str):
            raise wrong
        return Path(value)
    raise ConfigError(f"{path}: '{where}' has a type the loader does not know ({tp})")


def _describe(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is tuple:
        return f"a list of {_describe(get_args(tp)[0])}"
    if origin is dict:
        return "a table"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in get_args(tp) if a is not type(None))
    if dataclasses.is_dataclass(tp):
        return "a table"
    names = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}
    return names.get(tp, f"a {_type_name(tp)}")


# --- phatthanh init --------------------------------------------------------------------


def render_default_config() -> str:
    """The text `phatthanh init` writes: every setting, commented, with its default."""
    lines = [
        "# phatthanh configuration. Every setting is shown with its default, commented out;",
        "# uncomment and change what your station needs. Paths are relative to this file.",
        "",
    ]
    defaults = Config()
    for name in _SECTIONS:
        lines.extend(_render_section(name, getattr(defaults, name)))
    return "\n".join(lines).rstrip() + "\n"


def _render_section(where: str, obj: Any) -> list[str]:
    doc = (type(obj).__doc__ or "").strip().splitlines()
    out = [f"[{where}]"] + ([f"# {doc[0]}"] if doc else [])
    nested: list[tuple[str, Any]] = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            nested.append((f"{where}.{f.name}", value))
            continue
        help_text = f.metadata.get("help", "")
        if help_text:
            out.append(f"# {help_text}")
        out.append(f"# {f.name} = {_toml_value(value)}")
    out.append("")
    for sub_where, sub in nested:
        out.extend(_render_section(sub_where, sub))
    return out


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str | Path):
        return json.dumps(str(value), ensure_ascii=False)
    if value is None:
        return '""'
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(
            f"{json.dumps(str(k), ensure_ascii=False)} = {_toml_value(v)}" for k, v in value.items()
        )
        return "{ " + inner + " }" if inner else "{}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        inner = ", ".join(
            f"{f.name} = {_toml_value(getattr(value, f.name))}" for f in dataclasses.fields(value)
        )
        return "{ " + inner + " }"
    return json.dumps(str(value), ensure_ascii=False)
