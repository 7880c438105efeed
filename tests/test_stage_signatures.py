"""Stages get only their own settings section and the resolved `Site`, never the whole
`Config` (issue 12). The CLI, the pipeline, bulletin, the studio and prepare.py may take it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from types import ModuleType

STAGE_PACKAGES = ("articles", "clean", "program", "voices", "master", "site")
STAGE_MODULES = (
    "segment", "tags", "publish", "publish.feed", "publish.manifest", "publish.record",
    "publish.documents", "publish.commit", "publish.staging",
)  # fmt: skip
_CONFIG = re.compile(r"\bConfig\b")


def _stage_modules() -> list[ModuleType]:
    modules = [importlib.import_module(f"phatthanh.{name}") for name in STAGE_MODULES]
    for name in STAGE_PACKAGES:
        package = importlib.import_module(f"phatthanh.{name}")
        modules.append(package)
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            modules.append(importlib.import_module(info.name))
    return modules


def _text(annotation: object) -> str:
    return annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")


def _takes_config(module: ModuleType) -> list[str]:
    """`module.name(param)` for every public function, method or dataclass field of the
    module whose annotation names `Config`."""
    found = []
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        functions: list[tuple[str, object]] = []
        if inspect.isfunction(obj):
            functions.append((name, obj))
        elif inspect.isclass(obj):
            for field, annotation in vars(obj).get("__annotations__", {}).items():
                if _CONFIG.search(_text(annotation)):
                    found.append(f"{module.__name__}.{name}.{field}")
            functions += [(f"{name}.{m}", f) for m, f in vars(obj).items()
                          if inspect.isfunction(f) and not m.startswith("_")]  # fmt: skip
        for label, function in functions:
            assert callable(function)
            for param in inspect.signature(function).parameters.values():
                if _CONFIG.search(_text(param.annotation)):
                    found.append(f"{module.__name__}.{label}({param.name})")
    return found


def test_no_stage_function_takes_the_whole_config() -> None:
    modules = _stage_modules()
    assert len(modules) > 30  # every stage module was walked, not an empty list
    offenders = [entry for module in modules for entry in _takes_config(module)]
    assert offenders == [], f"stages must take their section and the Site: {offenders}"


def test_the_check_finds_a_function_that_takes_config() -> None:
    # The publish scheduler may take Config (it is not a stage); the check must see it.
    airtime = importlib.import_module("phatthanh.publish.airtime")
    assert "phatthanh.publish.airtime.publish_due(config)" in _takes_config(airtime)
