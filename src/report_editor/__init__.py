"""政府信息公开工作年度报告编辑器 (report-editor)."""

__version__ = "0.1.0"
