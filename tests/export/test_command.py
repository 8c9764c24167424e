"""`report-editor export`: exit codes and Chinese messages, through the real CLI parser."""

from __future__ import annotations

import errno

import pdfplumber

from report_editor.cli import main
from report_editor.model import Report, save_report


def test_export_writes_pdf(huaian_path, tmp_path, capsys):
    out = tmp_path / "报告.pdf"
    assert main(["export", str(huaian_path), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "已导出" in capsys.readouterr().out
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_export_refuses_errors_then_allows_them(huaian_report, tmp_path, capsys):
    huaian_report.cells["t3.carry_next.total"] = 999
    src = tmp_path / "bad.json"
    save_report(huaian_report, src)
    out = tmp_path / "bad.pdf"
    assert main(["export", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "错误" in err and "R-" in err
    assert not out.exists()
    assert main(["export", str(src), "-o", str(out), "--allow-errors"]) == 0
    with pdfplumber.open(out) as pdf:
        assert all("未通过校验" in (p.extract_text() or "") for p in pdf.pages)


def test_blank_cells_need_blank_as_zero(tmp_path, capsys):
    report = Report(year=2024, organ="某县统计局")
    report.preamble = "本报告依据《中华人民共和国政府信息公开条例》编制。"
    src = tmp_path / "blank.json"
    save_report(report, src)
    out = tmp_path / "blank.pdf"
    assert main(["export", str(src), "-o", str(out)]) == 1
    assert "空白" in capsys.readouterr().err
    code = main(["export", str(src), "-o", str(out), "--blank-as-zero"])
    assert code == 0 or "R-09" not in capsys.readouterr().err  # blanks no longer an error
    args = ["--blank-as-zero", "--allow-errors", "--page-numbers", "center"]
    assert main(["export", str(src), "-o", str(out), *args]) == 0
    with pdfplumber.open(out) as pdf:
        tables = [t for p in pdf.pages for t in p.extract_tables()]
    cells = [c for t in tables for row in t for c in row if c and c.isdigit()]
    assert cells and set(cells) == {"0"}


def test_unreadable_input_and_unwritable_output(huaian_path, tmp_path, capsys):
    assert main(["export", str(tmp_path / "none.json"), "-o", str(tmp_path / "a.pdf")]) == 2
    assert "不存在" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["export", str(bad), "-o", str(tmp_path / "a.pdf")]) == 2
    assert capsys.readouterr().err.strip()
    missing_dir = tmp_path / "no" / "such" / "a.pdf"
    assert main(["export", str(huaian_path), "-o", str(missing_dir)]) == 2
    assert "不存在" in capsys.readouterr().err
    assert main(["export", str(huaian_path), "-o", str(tmp_path)]) == 2
    assert "文件夹" in capsys.readouterr().err


def test_refusal_names_the_command_line_options_not_the_window_choices(
    huaian_report, tmp_path, capsys
):
    huaian_report.cells["t3.carry_next.total"] = 999
    huaian_report.cells["t2.penalty"] = None
    src = tmp_path / "bad.json"
    save_report(huaian_report, src)
    out = tmp_path / "bad.pdf"
    assert main(["export", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "--allow-errors" in err and "--blank-as-zero" in err
    assert "有错误也导出" not in err and "空白按 0 打印" not in err
    assert "[R-02]" in err and "[R-09]" in err
    # only the arithmetic error left: no blank hint
    huaian_report.cells["t2.penalty"] = 0
    save_report(huaian_report, src)
    assert main(["export", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "--allow-errors" in err and "--blank-as-zero" not in err
    assert not out.exists()


def test_blank_only_refusal_points_to_blank_as_zero(tmp_path, capsys):
    report = Report(year=2024, organ="某县统计局")
    src = tmp_path / "blank.json"
    save_report(report, src)
    assert main(["export", str(src), "-o", str(tmp_path / "blank.pdf")]) == 1
    err = capsys.readouterr().err
    assert "--blank-as-zero" in err and "空白按 0 打印" not in err


def test_os_errors_are_explained_in_chinese(huaian_path, tmp_path, capsys, monkeypatch):
    # a file name too long for the file system: the system's English text is not shown
    out = tmp_path / ("报" * 120 + ".pdf")
    assert main(["export", str(huaian_path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "文件名太长" in err and "too long" not in err
    assert list(tmp_path.iterdir()) == []

    from report_editor import fileutil
    from report_editor.model import exchange

    def disk_full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(fileutil, "atomic_write_bytes", disk_full)
    assert main(["export", str(huaian_path), "-o", str(tmp_path / "a.pdf")]) == 2
    err = capsys.readouterr().err
    assert "磁盘空间已满" in err and "No space" not in err

    def denied(path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(exchange, "load_report", denied)
    assert main(["export", str(huaian_path), "-o", str(tmp_path / "a.pdf")]) == 2
    err = capsys.readouterr().err
    assert "没有访问权限" in err and "Permission" not in err
