"""The editor window (PySide6). Only this package and app.py import Qt."""

from __future__ import annotations

from .document import ReportDocument
from .grid_model import GridModel
from .window import MainWindow, new_report

__all__ = ["GridModel", "MainWindow", "ReportDocument", "new_report"]
