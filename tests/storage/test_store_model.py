"""Random sequences of store operations (with reopening) against a plain in-memory model."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from report_editor.storage import Store
from tests.storage.conftest import make_report, state_of

ORGANS = ("甲局", "乙局")


class StoreMachine(RuleBasedStateMachine):
    ids = Bundle("ids")

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="store-model-"))
        self.store = Store(self.tmp, auto_backup=False, auto_version_interval=None)
        self.live: dict[str, tuple[str, int, int]] = {}  # id -> (organ, year, n)
        self.trashed: dict[str, tuple[str, int, int]] = {}
        self.versions: dict[str, list[tuple[str, int]]] = {}  # id -> [(version id, n)]
        self.counter = 0

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _n(self) -> int:
        self.counter += 1
        return self.counter

    @rule(target=ids, organ=st.sampled_from(ORGANS), year=st.integers(2022, 2024))
    def create(self, organ, year):
        n = self._n()
        rid = self.store.create(make_report(organ, year, n))
        self.live[rid] = (organ, year, n)
        self.versions[rid] = [(self.store.versions(rid)[0].id, n)]  # "新建时自动保存"
        return rid

    @rule(rid=ids)
    def save(self, rid):
        if rid in self.live:
            organ, year, _ = self.live[rid]
            n = self._n()
            self.store.save(rid, make_report(organ, year, n))
            self.live[rid] = (organ, year, n)

    @rule(rid=ids)
    def save_version(self, rid):
        if rid in self.live:
            vid = self.store.save_version(rid, "报送版")
            self.versions[rid].append((vid, self.live[rid][2]))

    @rule(rid=ids, pick=st.integers(0, 5))
    def restore_version(self, rid, pick):
        if rid in self.live and self.versions[rid]:
            vid, n = self.versions[rid][pick % len(self.versions[rid])]
            before = self.live[rid][2]
            assert state_of(self.store.restore_version(rid, vid)) == n
            undo = self.store.versions(rid)[0]
            assert undo.name == "恢复前自动保存"
            self.versions[rid].append((undo.id, before))
            organ, year, _ = self.live[rid]
            self.live[rid] = (organ, year, n)

    @rule(rid=ids)
    def delete(self, rid):
        if rid in self.live:
            self.store.delete(rid)
            self.trashed[rid] = self.live.pop(rid)

    @rule(rid=ids)
    def restore_from_trash(self, rid):
        if rid in self.trashed:
            self.store.restore_from_trash(rid)
            self.live[rid] = self.trashed.pop(rid)

    @rule()
    def empty_trash(self):
        assert self.store.empty_trash() == len(self.trashed)
        self.trashed.clear()

    @rule(organ=st.sampled_from(ORGANS), year=st.integers(2022, 2024))
    def import_report(self, organ, year):
        n = self._n()
        rid, created = self.store.import_report(make_report(organ, year, n))
        matches = [r for r, (o, y, _) in self.live.items() if (o, y) == (organ, year)]
        assert created == (not matches)
        if not created:
            assert rid in matches
            imported, before = self.store.versions(rid)[:2]  # "导入时…", "导入前自动保存"
            self.versions[rid] += [(before.id, self.live[rid][2]), (imported.id, n)]
        else:
            self.versions[rid] = [(self.store.versions(rid)[0].id, n)]  # "导入时自动保存"
        self.live[rid] = (organ, year, n)

    @rule()
    def reopen(self):
        self.store.close()
        self.store = Store(self.tmp, auto_backup=False, auto_version_interval=None)
        assert self.store.recovery_messages == []

    @rule()
    def lose_the_index(self):
        (self.tmp / "index.json").unlink(missing_ok=True)

    @invariant()
    def matches_model(self):
        infos = self.store.list_reports()
        assert {i.id for i in infos} == set(self.live)
        assert {i.id for i in self.store.trash()} == set(self.trashed)
        stamps = [i.saved_at for i in infos]
        assert stamps == sorted(stamps, reverse=True)
        for rid, (organ, year, n) in self.live.items():
            info = self.store.info(rid)
            assert (info.organ, info.year) == (organ, year)
            assert state_of(self.store.load(rid)) == n
            assert len(self.store.versions(rid)) == len(self.versions[rid]) >= 1  # never one copy


StoreMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=25, deadline=None)
TestStoreModel = StoreMachine.TestCase
