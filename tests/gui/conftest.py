"""GUI test set-up: settings in tmp, the PySide6 refcount work-around, helpers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from report_editor.gui.qtcompat import pin_singletons

pin_singletons()


@pytest.fixture(autouse=True)
def _tmp_settings(tmp_path):
    """QSettings (window geometry, last report) never touch the user's real settings."""
    folder = tmp_path / "qsettings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield folder


@pytest.fixture
def doc(qapp, huaian_report):
    from report_editor.gui.document import ReportDocument

    d = ReportDocument(huaian_report)
    yield d
    d.deleteLater()
