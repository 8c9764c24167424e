"""Where things live: the data folder and the bundled resources (source or frozen)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "report-editor"
ENV_HOME = "REPORT_EDITOR_HOME"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """`--data-dir`, else $REPORT_EDITOR_HOME, else the platform's user data folder."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resources_dir() -> Path:
    """The `resources/` folder: inside the PyInstaller bundle, else beside `src/`."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
