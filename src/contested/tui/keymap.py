"""A keymap file remaps any binding by its id: `~/.config/contested/keymap.toml`.

    [keys]
    "pane.contradictions" = "4,c"
    "quit" = "q,ctrl+q"
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from contested.support.dirs import config_dir
from contested.support.files import Refused, read_regular

KEYMAP_LIMIT = 1 << 20
"""A keymap is a few lines; a bigger file is not one."""


def default_keymap_path() -> Path:
    return config_dir() / "keymap.toml"


def load_keymap(path: Path) -> tuple[dict[str, str], str | None]:
    """The binding id -> keys mapping in `path`, and a problem to report, if any.

    A missing file is no problem; a broken one is reported and ignored, never fatal.
    """
    try:
        document = tomllib.loads(read_regular(path, KEYMAP_LIMIT).decode("utf-8"))
    except Refused as refused:
        if refused.missing:
            return {}, None
        return {}, f"keymap {path} was ignored: {refused.reason}"
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return {}, f"keymap {path} was ignored: {error}"
    keys = document.get("keys", {})
    if not isinstance(keys, dict):
        return {}, f"keymap {path} was ignored: [keys] must be a table of id = \"keys\""
    keymap = {str(k): v for k, v in keys.items() if isinstance(v, str) and v.strip()}
    bad = sorted(str(k) for k, v in keys.items() if not isinstance(v, str) or not v.strip())
    problem = f"keymap {path}: ignored entries {', '.join(bad)}" if bad else None
    return keymap, problem
