"""Test set-up shared by every test folder."""

from __future__ import annotations

import os
from pathlib import Path

# Qt must run offscreen before it is first imported (no display on CI).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_SCALE_FACTOR_ROUNDING_POLICY", "PassThrough")

import pytest
from hypothesis import HealthCheck, settings

from report_editor.gui.qtcompat import pin_singletons

pin_singletons()  # PySide6 6.12 on CPython 3.11 leaks references to True/False/None

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets its own data folder: no test touches the user's real store."""
    home = tmp_path / "home"
    monkeypatch.setenv("REPORT_EDITOR_HOME", str(home))
    return home


@pytest.fixture
def seed_path() -> Path:
    return DATA / "weishi-2023.json"


@pytest.fixture
def huaian_path() -> Path:
    return DATA / "huaian-2024.json"


@pytest.fixture
def seed_report(seed_path):
    from report_editor.model import load_report

    return load_report(seed_path)


@pytest.fixture
def huaian_report(huaian_path):
    from report_editor.model import load_report

    return load_report(huaian_path)


def shared_file(*parts: str) -> Path:
    """A file of ../shared; tests that need it skip when the folder is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"shared file missing: {p}")
    return p
