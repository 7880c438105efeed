"""Station lexicon entries written into phatthanh.toml's [speech.lexicon] from the studio.

The file is edited with tomlkit so the staff's comments and layout stay; the edited text is
validated by the settings layer (config_from_dict) before it replaces the file atomically.
"""

from __future__ import annotations

from pathlib import Path

import tomlkit
from tomlkit.items import Table

from phatthanh.config import config_from_dict
from phatthanh.errors import ConfigError
from phatthanh.publish.record import write_text_atomic


def add_lexicon_entry(config_path: Path, written: str, spoken: str) -> None:
    """Set `written = spoken` in the station lexicon of `config_path` (created if missing)."""
    written, spoken = written.strip(), " ".join(spoken.split())
    if not written or not spoken:
        raise ConfigError(
            f"{config_path}: [speech.lexicon] cần cả chữ viết và cách đọc; điền đủ hai ô"
        )
    text = config_path.read_text("utf-8") if config_path.is_file() else ""
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"{config_path}: not valid TOML ({exc})") from None
    speech = doc.get("speech")
    if speech is None:
        speech = tomlkit.table(is_super_table=True)
        doc["speech"] = speech
    if not isinstance(speech, Table):
        raise ConfigError(f"{config_path}: 'speech' must be a table ([speech])")
    lexicon = speech.get("lexicon")
    if lexicon is None:
        lexicon = tomlkit.table()
        speech["lexicon"] = lexicon
    if not isinstance(lexicon, Table):
        raise ConfigError(f"{config_path}: 'speech.lexicon' must be a table ([speech.lexicon])")
    lexicon[written] = spoken
    config_from_dict(doc.unwrap(), config_path.resolve().parent, str(config_path))  # validated
    write_text_atomic(config_path, tomlkit.dumps(doc))
