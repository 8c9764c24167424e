"""The 2021 template, the Report and the exchange file (no Qt)."""

from .exchange import ExchangeError, dumps, load_report, loads, report_from_dict, save_report
from .report import Report, ValueProblem, cell_text, parse_count, parse_fee, yuan_to_wan

__all__ = [
    "ExchangeError",
    "Report",
    "ValueProblem",
    "cell_text",
    "dumps",
    "load_report",
    "loads",
    "parse_count",
    "parse_fee",
    "report_from_dict",
    "save_report",
    "yuan_to_wan",
]
