"""QSettings for window state only (report content lives in the store)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANIZATION = "report-editor"
APPLICATION = "report-editor"
SETTINGS_VERSION = 1


def app_settings() -> QSettings:
    """INI settings in the user scope; tests redirect them with `QSettings.setPath`."""
    s = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)
    if s.value("settings_version") is None:
        s.setValue("settings_version", SETTINGS_VERSION)
    return s
