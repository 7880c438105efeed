"""The province's station registry: a TOML file listing one config file per station.

    clip_cache = "shared/clips"      # optional: one clip cache for every station
    [[stations]]
    name = "tanlap"
    config = "tanlap/phatthanh.toml"

Paths are relative to the registry file. Each station keeps its own identity, base URL,
templates, lexicon, voices, feeds and manifest (its config's folder); the clip cache is
shared, so the same text in the same voice is synthesized once, whichever station asked.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from phatthanh.config import Config, load_config
from phatthanh.errors import ConfigError
from phatthanh.i18n import _

REGISTRY_NAME = "stations.toml"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True)
class Registry:
    path: Path
    stations: dict[str, Path]  # name -> config file
    clip_cache: Path | None

    def config(self, name: str) -> Config:
        """The station's Config, with the shared clip cache when the registry names one."""
        if name not in self.stations:
            known = ", ".join(sorted(self.stations)) or "none"
            raise ConfigError(
                _("{path}: no station named {name!r} (known: {known})").format(
                    path=self.path, name=name, known=known
                )
            )
        config = load_config(self.stations[name])
        if self.clip_cache is None:
            return config
        voices = dataclasses.replace(config.voices, cache_dir=str(self.clip_cache))
        return dataclasses.replace(config, voices=voices)


def load_registry(path: Path) -> Registry:
    """Read a registry file; ConfigError names the file and the entry to fix."""
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise ConfigError(
            _("{path}: cannot read the station registry ({strerror})").format(
                path=path, strerror=exc.strerror
            )
        ) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            _("{path}: not a valid TOML registry ({exc})").format(path=path, exc=exc)
        ) from None
    root = path.parent.resolve()
    stations: dict[str, Path] = {}
    for i, entry in enumerate(raw.get("stations", [])):
        name, config = entry.get("name"), entry.get("config")
        if not isinstance(name, str) or not _NAME.match(name):
            raise ConfigError(
                _(
                    "{path}: stations[{i}] name: use lowercase letters, digits and '-', e.g. "
                    "'tanlap'"
                ).format(path=path, i=i)
            )
        if not isinstance(config, str):
            raise ConfigError(
                _("{path}: stations[{i}] ({name}) needs config = 'folder/phatthanh.toml'").format(
                    path=path, i=i, name=name
                )
            )
        if name in stations:
            raise ConfigError(
                _("{path}: station {name!r} is listed twice; keep one").format(path=path, name=name)
            )
        stations[name] = root / config
    if not stations:
        raise ConfigError(
            _("{path}: no [[stations]] listed; add one with name and config").format(path=path)
        )
    cache = raw.get("clip_cache")
    if cache is not None and not isinstance(cache, str):
        raise ConfigError(
            _("{path}: clip_cache must be a folder path, e.g. 'shared/clips'").format(path=path)
        )
    return Registry(path, stations, (root / cache) if cache else None)
