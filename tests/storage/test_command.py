"""`report-editor drafts list | import | export` (exchange_format.md §2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from report_editor.cli import main
from report_editor.model import dumps, load_report
from report_editor.storage import Store
from tests.storage.conftest import make_report

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _list_ids(capsys, *extra: str) -> dict[str, str]:
    code, out, _ = run(capsys, "drafts", "list", *extra)
    assert code == 0
    return {line.split()[0]: line for line in out.splitlines()}


def test_fixtures_round_trip_byte_for_byte(capsys, tmp_path, seed_path, huaian_path):
    data = str(tmp_path / "drafts")
    imported = {}
    for src in (seed_path, huaian_path):
        code, out, err = run(capsys, "--data-dir", data, "drafts", "import", str(src))
        assert code == 0, err
        assert out.startswith("已新增草稿 ")
        imported[out.split()[1]] = src
    lines = _list_ids(capsys, "--data-dir", data)
    assert set(lines) == set(imported)
    for rid, src in imported.items():
        report = load_report(src)
        fields = lines[rid].split()
        assert fields[1:4] == [report.organ, str(report.year), "草稿"]
        out_file = tmp_path / f"{rid}.json"
        code, out, err = run(
            capsys, "drafts", "export", rid, "-o", str(out_file), "--data-dir", data
        )
        assert code == 0, err
        assert out_file.read_bytes() == src.read_bytes()


def test_import_updates_the_draft_of_the_same_organ_and_year(capsys, tmp_path, seed_path):
    code, out, _ = run(capsys, "drafts", "import", str(seed_path))
    rid = out.split()[1]
    changed = load_report(seed_path)
    changed.cells["t3.new.natural"] = 3
    changed.sections["other"] = "更新后的其他事项。"
    changed_file = tmp_path / "changed.json"
    changed_file.write_text(dumps(changed), "utf-8")
    code, out, err = run(capsys, "drafts", "import", str(changed_file))
    assert code == 0, err
    assert out.startswith(f"已更新草稿 {rid}")
    assert list(_list_ids(capsys)) == [rid]
    exported = tmp_path / "out.json"
    assert run(capsys, "drafts", "export", rid, "-o", str(exported))[0] == 0
    assert exported.read_bytes() == changed_file.read_bytes()
    with Store(auto_backup=False) as s:  # the previous state is kept as a version
        new, v, first = s.versions(rid)
        assert [x.name for x in (new, v, first)] == [
            "导入时自动保存",
            "导入前自动保存",
            "导入时自动保存",
        ]
        assert dumps(s.load_version(rid, v.id)) == seed_path.read_text("utf-8")
        assert dumps(s.load_version(rid, first.id)) == seed_path.read_text("utf-8")
        assert dumps(s.load_version(rid, new.id)) == changed_file.read_text("utf-8")


def test_env_variable_selects_the_store(capsys, tmp_path, seed_path, monkeypatch):
    monkeypatch.setenv("REPORT_EDITOR_HOME", str(tmp_path / "env-store"))
    code, out, _ = run(capsys, "drafts", "import", str(seed_path))
    assert code == 0
    assert (tmp_path / "env-store" / "reports" / f"{out.split()[1]}.json").exists()


def test_list_of_an_empty_store_prints_no_lines(capsys):
    code, out, err = run(capsys, "drafts", "list")
    assert (code, out) == (0, "")
    assert "还没有报告" in err


def test_list_of_a_missing_data_dir_leaves_no_folder(capsys, tmp_path):
    new = tmp_path / "NEW"
    code, out, _err = run(capsys, "drafts", "list", "--data-dir", str(new))
    assert (code, out) == (0, "")
    assert not new.exists()
    code, _, err = run(
        capsys, "drafts", "export", "abc", "-o", str(tmp_path / "x.json"), "--data-dir", str(new)
    )
    assert code == 2 and "abc" in err
    assert not new.exists()


def test_unknown_id_and_bad_input_exit_2(capsys, tmp_path, seed_path):
    code, out, err = run(capsys, "drafts", "export", "nosuchid", "-o", str(tmp_path / "x.json"))
    assert code == 2 and "nosuchid" in err and out == ""
    assert not (tmp_path / "x.json").exists()
    code, _, err = run(capsys, "drafts", "import", str(tmp_path / "missing.json"))
    assert code == 2 and "不存在" in err
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"format": "gov-info-annual-report", "version": 1, "cells": {"t2.x": 1}}', "utf-8"
    )
    code, _, err = run(capsys, "drafts", "import", str(bad))
    assert code == 2 and "t2.x" in err and str(bad) in err
    bad.write_bytes(b"\xff\xfe garbage")
    code, _, err = run(capsys, "drafts", "import", str(bad))
    assert code == 2 and "UTF-8" in err
    assert run(capsys, "drafts", "list")[1] == ""  # nothing was added


def test_unique_id_prefix_is_accepted(capsys, tmp_path, seed_path):
    _, out, _ = run(capsys, "drafts", "import", str(seed_path))
    rid = out.split()[1]
    code, _, err = run(capsys, "drafts", "export", rid[:5], "-o", str(tmp_path / "p.json"))
    assert code == 0, err
    assert (tmp_path / "p.json").read_bytes() == seed_path.read_bytes()


def test_import_refused_while_another_window_writes(capsys, _isolated_home, seed_path):
    with Store(auto_backup=False) as s:
        s.create(make_report())
        code, out, err = run(capsys, "drafts", "import", str(seed_path))
        assert code == 1 and out == ""
        assert "另一个程序窗口正在使用" in err
        # reading still works
        assert len(_list_ids(capsys)) == 1
    assert len(_list_ids(capsys)) == 1


def test_real_command_line(tmp_path, seed_path):
    data = tmp_path / "cli-store"

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "report_editor", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=60,
        )

    r = cli("drafts", "import", str(seed_path), "--data-dir", str(data))
    assert r.returncode == 0, r.stderr
    rid = r.stdout.split()[1]
    r = cli("--data-dir", str(data), "drafts", "list")
    assert r.returncode == 0 and r.stdout.split()[0] == rid
    assert "尉氏县科学技术和工业信息化局  2023  草稿" in r.stdout
    out = tmp_path / "o.json"
    r = cli("drafts", "export", rid, "-o", str(out), "--data-dir", str(data))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == seed_path.read_bytes()
    assert json.loads((data / "store.json").read_text("utf-8"))["schema"] == 1


@pytest.mark.parametrize("cmd", ["list", "export"])
def test_read_commands_do_not_take_the_lock(capsys, cmd, tmp_path, seed_path):
    run(capsys, "drafts", "import", str(seed_path))
    rid = next(iter(_list_ids(capsys)))
    with Store(auto_backup=False) as s:  # a window is open
        argv = (
            ["drafts", "list"]
            if cmd == "list"
            else ["drafts", "export", rid, "-o", str(tmp_path / "e.json")]
        )
        code, _, err = run(capsys, *argv)
        assert code == 0, err
        assert not s.read_only
