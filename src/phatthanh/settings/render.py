"""The text `phatthanh init` writes: every setting with its help line and default,
commented out, except the station identity it was given."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from typing import Any

from phatthanh.i18n import _


def render_config(sections: dict[str, Any], identity: dict[str, str]) -> str:
    """`sections`: name -> default section object; `identity`: [station] keys to write
    uncommented (the station's real name, address, e-mail, guid)."""
    header = _(
        "phatthanh configuration. Every setting is shown with its default, commented out; "
        "uncomment and change what your station needs. Paths are relative to this file."
    )
    lines = [*_comment(header), ""]
    for name, obj in sections.items():
        lines.extend(_section(name, obj, identity if name == "station" else {}))
    return "\n".join(lines).rstrip() + "\n"


def _section(where: str, obj: Any, given: dict[str, str]) -> list[str]:
    doc = (type(obj).__doc__ or "").strip().splitlines()
    out = [f"[{where}]"] + (_comment(_(doc[0])) if doc else [])
    nested: list[tuple[str, Any]] = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            nested.append((f"{where}.{f.name}", value))
            continue
        help_text = f.metadata.get("help", "")
        if help_text:
            out.extend(_comment(_(help_text)))
        if f.name in given:
            out.append(f"{f.name} = {toml_value(given[f.name])}")
        else:
            out.append(f"# {f.name} = {toml_value(value)}")
    out.append("")
    for sub_where, sub in nested:
        out.extend(_section(sub_where, sub, {}))
    return out


def _comment(text: str) -> list[str]:
    """`text` as comment lines of at most ~90 characters (a translation may be longer)."""
    return ["# " + line for line in textwrap.wrap(text, 88, break_on_hyphens=False)]


def toml_value(value: Any) -> str:
    """A value as TOML writes it (strings quoted, lists bracketed, tables inline)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if value is None:
        return '""'
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(
            f"{json.dumps(str(k), ensure_ascii=False)} = {toml_value(v)}" for k, v in value.items()
        )
        return "{ " + inner + " }" if inner else "{}"
    return json.dumps(str(value), ensure_ascii=False)
