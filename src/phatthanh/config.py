"""phatthanh.toml -> one typed, validated Config.

The sections are pydantic dataclasses in the leaf package `phatthanh.settings`; this module
merges each TOML table over its section's defaults (so any one key of any table can be set
alone), validates it, and turns the first problem into one line naming the file, the key
and a valid example. The station's identity, folders and URLs are resolved once here into
`Config.site`. Loading imports no stage and runs nothing: station audio, cover and
templates are checked at the start of a build (`phatthanh.prepare.prepare_station`).
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from phatthanh.errors import ConfigError
from phatthanh.i18n import LANGUAGES, N_, _
from phatthanh.settings import (
    ArticleSettings,
    MasterSettings,
    ProgramSettings,
    PublishSettings,
    Site,
    SpeechSettings,
    StationSettings,
    VoiceSettings,
    resolve_site,
)
from phatthanh.settings.render import render_config, toml_value
from phatthanh.settings.storage import StorageSettings
from phatthanh.settings.studio import StudioSettings

__all__ = ["CONFIG_NAME", "Config", "StationSettings", "config_from_dict", "find_config",
           "load_config", "render_default_config"]  # fmt: skip

CONFIG_NAME = "phatthanh.toml"


@dataclass(frozen=True)
class Config:
    """The whole configuration. `root` is the folder outputs are written under; `site` is
    the station resolved from `station` and `root`."""

    root: Path = field(default_factory=Path.cwd)
    station: StationSettings = field(default_factory=StationSettings)
    articles: ArticleSettings = field(default_factory=ArticleSettings)
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    voices: VoiceSettings = field(default_factory=VoiceSettings)
    program: ProgramSettings = field(default_factory=ProgramSettings)
    master: MasterSettings = field(default_factory=MasterSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)
    studio: StudioSettings = field(default_factory=StudioSettings)
    storage: StorageSettings = field(default_factory=StorageSettings)
    site: Site = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        station = self.station
        if self.storage.backend == "s3" and self.storage.public_base_url:  # served by the store
            station = dataclasses.replace(station, base_url=self.storage.public_base_url)
        object.__setattr__(self, "site", resolve_site(station, self.root))

    @property
    def episodes_dir(self) -> Path:
        return self.site.episodes_dir

    @property
    def feeds_dir(self) -> Path:
        return self.site.feeds_dir

    def resolve(self, path: str | Path) -> Path:
        """A path from the config, relative to the config's folder."""
        return self.site.resolve(path)


SECTIONS: dict[str, type[Any]] = {
    "station": StationSettings,
    "articles": ArticleSettings,
    "speech": SpeechSettings,
    "voices": VoiceSettings,
    "program": ProgramSettings,
    "master": MasterSettings,
    "publish": PublishSettings,
    "studio": StudioSettings,
    "storage": StorageSettings,
}


def find_config(start: Path | None = None) -> Path | None:
    """The phatthanh.toml in `start` (default: the current folder), if there is one."""
    candidate = (start or Path.cwd()) / CONFIG_NAME
    return candidate if candidate.is_file() else None


def configured_language(path: Path | None = None) -> str:
    """`[station] ui_language` of the config at `path` (default ./phatthanh.toml), read
    leniently before the config is loaded, so that its own errors are given in that
    language; "" (follow the locale) when it is unset, invalid or the file is unreadable."""
    path = path or find_config()
    if path is None:
        return ""
    try:
        station = tomllib.loads(path.read_text(encoding="utf-8")).get("station")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ""
    value = station.get("ui_language") if isinstance(station, dict) else None
    return value if value in LANGUAGES else ""


def load_config(path: Path | None = None) -> Config:
    """Read `path` (or ./phatthanh.toml if it exists, else defaults) into a Config."""
    if path is None:
        path = find_config()
        if path is None:
            return Config(root=Path.cwd())
    if not path.is_file():
        raise ConfigError(
            _("{path}: config file not found; run 'phatthanh init' to write one").format(path=path)
        )
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(_("{path}: config is not UTF-8 text").format(path=path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_("{path}: not valid TOML ({exc})").format(path=path, exc=exc)) from None
    return config_from_dict(raw, path.resolve().parent, str(path))


def config_from_dict(raw: dict[str, Any], root: Path, origin: str = "<config>") -> Config:
    """Build a Config from parsed TOML: each table merged over its section's defaults."""
    unknown = sorted(set(raw) - set(SECTIONS))
    if unknown:
        raise ConfigError(
            _("{origin}: unknown section [{unknown}]; known sections: {sections}").format(
                origin=origin, unknown=unknown[0], sections=", ".join(SECTIONS)
            )
        )
    values: dict[str, Any] = {}
    for name, cls in SECTIONS.items():
        table = raw.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(
                _("{origin}: '{name}' must be a table ([{name}])").format(origin=origin, name=name)
            )
        defaults = dataclasses.asdict(cls())
        merged = _merge(defaults, table)
        try:
            values[name] = _adapter(name).validate_json(json.dumps(merged, default=str))
        except ValidationError as exc:
            raise ConfigError(_one_line(exc, origin, name, defaults)) from None
    return Config(root=root, **values)


_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _adapter(name: str) -> TypeAdapter[Any]:
    if name not in _ADAPTERS:
        _ADAPTERS[name] = TypeAdapter(SECTIONS[name])
    return _ADAPTERS[name]


def _merge(defaults: dict[str, Any], table: dict[str, Any]) -> dict[str, Any]:
    """`table` over `defaults`, table by table: `[master.podcast] target_lufs = -18` keeps the
    podcast profile's other values, `[speech.lexicon]` adds to the (empty) default."""
    merged = dict(defaults)
    for key, value in table.items():
        default = defaults.get(key)
        if isinstance(default, dict) and isinstance(value, dict):
            merged[key] = _merge(default, value)
        else:
            merged[key] = value
    return merged


_KINDS = {  # translated where they are shown
    "string_type": N_("a string"),
    "int_type": N_("a whole number"),
    "int_from_float": N_("a whole number"),
    "float_type": N_("a number"),
    "bool_type": N_("true or false"),
    "tuple_type": N_("a list"),
    "list_type": N_("a list"),
    "dict_type": N_("a table"),
    "dataclass_type": N_("a table"),
}


def _one_line(exc: ValidationError, origin: str, section: str, defaults: dict[str, Any]) -> str:
    """The first validation error as one line: file, key, what is wrong, a valid example."""
    error = exc.errors()[0]
    loc = [str(p) for p in error["loc"]]
    key = ".".join([section, *loc])
    if error["type"] in ("unexpected_keyword_argument", "extra_forbidden"):
        return _(
            "{origin}: unknown key '{key}'; check the spelling against 'phatthanh init' output"
        ).format(origin=origin, key=key)
    if error["type"] == "value_error":
        reason = error["msg"].removeprefix("Value error, ")
        return _("{origin}: '{key}': {reason}").format(origin=origin, key=key, reason=reason)
    if error["type"] == "missing":
        return _("{origin}: '{key}' is missing; add it or remove the table holding it").format(
            origin=origin, key=key
        )
    kind = _(_KINDS[error["type"]]) if error["type"] in _KINDS else _pydantic_kind(error["msg"])
    value = toml_value(error["input"])
    line = _("{origin}: '{key}' must be {kind}, not {value}").format(
        origin=origin, key=key, kind=kind, value=value
    )
    example: Any = defaults
    for part in loc:
        example = example.get(part) if isinstance(example, dict) else None
    if example is not None and not isinstance(example, dict):
        line += _("; e.g. {key} = {example}").format(key=loc[-1], example=toml_value(example))
    return line


def _pydantic_kind(message: str) -> str:
    """What pydantic says a value should be ("Input should be 'a' or 'b'"), in our words."""
    kind = message.removeprefix("Input should be ").replace(" or ", _(" or "))
    tuple_min = "Tuple should have at least 1 item after validation"
    return kind.replace(tuple_min, _("a non-empty list"))


def render_default_config(identity: dict[str, str] | None = None) -> str:
    """The text `phatthanh init` writes: every setting commented with its default; the
    [station] keys in `identity` written for real."""
    return render_config({name: cls() for name, cls in SECTIONS.items()}, identity or {})
