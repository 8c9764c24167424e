"""The tabs of an open report: 基本信息, the narrative sections and the three table sections."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..model import template as T
from ..model.report import normalize_digits
from .document import ReportDocument
from .grid_model import GridModel
from .grid_view import GridView

HINT_STYLE = "color: #4a5568; background: #f3f5f8; border: 1px solid #dde2ea; padding: 6px;"


class UndoKeysToWindow(QObject):
    """Lets Ctrl+Z / Ctrl+Y in a text field reach the window's undo stack.

    Text widgets claim those keys for their own undo; declining the shortcut override hands
    them to the window's actions, so text and cell edits share one history.
    """

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        keys = (QKeySequence.StandardKey.Undo, QKeySequence.StandardKey.Redo)
        if any(event.matches(k) for k in keys):
            event.ignore()
            return True
        return False


def count_chars(text: str) -> int:
    """字数 as Chinese word processors count it: every character except whitespace."""
    return sum(1 for ch in text if not ch.isspace())


def parse_date(text: str) -> str | None:
    """'2024-01-20', '2024年1月20日', '２０２４/1/20' → ISO date; '' → None; else ValueError."""
    s = normalize_digits(text)
    if not s:
        return None
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", s)
    if not m:
        raise ValueError("日期格式应为 2024-01-20 或 2024年1月20日。")
    try:
        return _dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        raise ValueError(f"“{text.strip()}”不是有效日期。") from None


# Heading conventions of exchange_format.md §1: 一、 / （一） / 1. or 1、 / （1）
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d{1,2}[.、](?!\d)|（\d{1,2}）)"
)
_RUN_IN_END = re.compile(r"[。：]")


class HeadingHighlighter(QSyntaxHighlighter):
    """Shows which lines are headings: the numbered heading (up to a run-in 。/：) in bold."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.fmt = QTextCharFormat()
        self.fmt.setFontWeight(QFont.Weight.Bold)
        self.fmt.setForeground(QColor("#1f3f73"))

    def highlightBlock(self, text: str) -> None:
        if not _HEADING.match(text):
            return
        end = _RUN_IN_END.search(text)
        self.setFormat(0, end.end() if end else len(text), self.fmt)


def select_phrase(editor: QPlainTextEdit, message: str) -> bool:
    """Select the first “quoted” phrase of a problem message in the editor, if found."""
    for phrase in re.findall(r"“([^”]{2,})”", message):
        cursor = editor.document().find(phrase)
        if not cursor.isNull():
            editor.setTextCursor(cursor)
            editor.centerCursor()
            return True
    return False


class FieldBinder(QObject):
    """Two-way binding of one text widget to one document field, through the undo stack."""

    def __init__(self, doc: ReportDocument, field: str, widget: QWidget, filt: QObject):
        super().__init__(widget)
        self.doc = doc
        self.field = field
        self.widget = widget
        self._filter = filt  # installEventFilter does not keep it alive
        widget.installEventFilter(filt)
        if isinstance(widget, QPlainTextEdit):
            widget.setUndoRedoEnabled(False)
            widget.textChanged.connect(self._push)
        elif isinstance(widget, QLineEdit):
            widget.textEdited.connect(self._push)
        doc.field_changed.connect(self._pull)
        self._pull(field)
        if doc.read_only:
            widget.setReadOnly(True)  # type: ignore[attr-defined]

    def _text(self) -> str:
        w = self.widget
        return w.toPlainText() if isinstance(w, QPlainTextEdit) else w.text()  # type: ignore[attr-defined]

    def _push(self, *_: Any) -> None:
        self.doc.set_field(self.field, self._text())

    def _pull(self, field: str) -> None:
        if field != self.field:
            return
        value = self.doc.get_field(field) or ""
        if value == self._text():
            return
        w = self.widget
        w.blockSignals(True)
        try:
            if isinstance(w, QPlainTextEdit):
                pos = w.textCursor().position()
                w.setPlainText(value)
                cur = w.textCursor()
                cur.setPosition(min(pos, len(value)))
                w.setTextCursor(cur)
            else:
                w.setText(value)  # type: ignore[attr-defined]
        finally:
            w.blockSignals(False)


class SectionEditor(QWidget):
    """One narrative section: hint, plain-text editor, character count."""

    def __init__(
        self, doc: ReportDocument, section: T.Section, filt: QObject, *, compact: bool = False
    ) -> None:
        super().__init__()
        self.section = section
        self.field = f"sections.{section.key}"
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0 if compact else 9, 4, 0 if compact else 9, 4)
        self.count = QLabel()
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight)
        if not compact:
            head = QLabel(f"<b>{section.heading}</b>")
            lay.addWidget(head)
            hint = QLabel(f"填写要求：{section.hint}")
            hint.setWordWrap(True)
            hint.setStyleSheet(HINT_STYLE)
            lay.addWidget(hint)
        else:  # under a table: one line of title and count, the editor as small as it may be
            lay.setSpacing(2)
            row = QHBoxLayout()
            row.addWidget(QLabel("表下说明（可选，打印在表格下方）："))
            row.addStretch(1)
            row.addWidget(self.count)
            lay.addLayout(row)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName(f"text_{section.key}")
        font = self.editor.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.editor.setFont(font)
        self.highlighter = HeadingHighlighter(self.editor.document())
        self.editor.setPlaceholderText(
            "一行一段。以“（一）”“1.”等编号开头的行是小标题。" if not compact else ""
        )
        if compact:
            self.editor.setMinimumHeight(self.editor.fontMetrics().lineSpacing() * 2 + 12)
        lay.addWidget(self.editor, 1)
        if not compact:
            lay.addWidget(self.count)
        self.binder = FieldBinder(doc, self.field, self.editor, filt)
        # typing reaches the document first; one count per edit, undo included
        doc.field_changed.connect(lambda f: f == self.field and self._update_count())
        self._update_count()

    def _update_count(self) -> None:
        text = self.editor.toPlainText()
        lines = sum(1 for line in text.split("\n") if line.strip())
        self.count.setText(f"字数：{count_chars(text)}　段落：{lines}")


class BasicInfoEditor(QWidget):
    """基本信息: organ, kind, year, title, preamble, signature."""

    status_message = Signal(str)

    def __init__(self, doc: ReportDocument, filt: QObject) -> None:
        super().__init__()
        self.doc = doc
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        ro = doc.read_only

        self.organ = QLineEdit()
        self.organ.setPlaceholderText("机关全称，例如 ××县××局")
        self._binders = [FieldBinder(doc, "organ", self.organ, filt)]
        form.addRow("发布机关：", self.organ)

        self.kind = QComboBox()
        for key, label in T.ORGAN_KIND_LABELS.items():
            self.kind.addItem(label, key)
        self.kind.setEnabled(not ro)
        self.kind.currentIndexChanged.connect(
            lambda _i: doc.set_field("kind", self.kind.currentData(), merge=False)
        )
        form.addRow("机关类别：", self.kind)

        self.year = QSpinBox()
        self.year.setRange(2007, 2200)  # minimum shows as 未填
        self.year.setKeyboardTracking(False)
        self.year.setSpecialValueText("未填")
        self.year.setSuffix(" 年度")
        self.year.setReadOnly(ro)
        self.year.valueChanged.connect(self._year_changed)
        form.addRow("报告年度：", self.year)

        self.title = QLineEdit()
        self._binders.append(FieldBinder(doc, "title", self.title, filt))
        form.addRow("标题：", self.title)
        note = QLabel("标题留空时使用上面灰色显示的标准标题。")
        note.setStyleSheet("color: #666;")
        form.addRow("", note)

        pre_box = QWidget()
        pre_lay = QVBoxLayout(pre_box)
        pre_lay.setContentsMargins(0, 0, 0, 0)
        self.preamble = QPlainTextEdit()
        self.preamble.setObjectName("text_preamble")
        self.preamble.setPlaceholderText(f"可选：印在“{T.SECTIONS[0].heading}”之前的一段说明。")
        self.preamble.setMaximumHeight(140)
        self.preamble.setMinimumHeight(60)
        self._binders.append(FieldBinder(doc, "preamble", self.preamble, filt))
        pre_lay.addWidget(self.preamble)
        self.insert_preamble = QPushButton("插入标准前言")
        self.insert_preamble.setEnabled(not ro)
        self.insert_preamble.clicked.connect(self._insert_boilerplate)
        pre_lay.addWidget(self.insert_preamble, 0, Qt.AlignmentFlag.AlignLeft)
        form.addRow("前言：", pre_box)

        self.signature_organ = QLineEdit()
        self._binders.append(FieldBinder(doc, "signature_organ", self.signature_organ, filt))
        form.addRow("署名机关：", self.signature_organ)

        self.signature_date = QLineEdit()
        self.signature_date.setPlaceholderText("成文日期，例如 2024-01-20（可留空）")
        self.signature_date.setReadOnly(ro)
        self.signature_date.installEventFilter(filt)
        self._filter = filt
        self.signature_date.editingFinished.connect(self._date_edited)
        form.addRow("成文日期：", self.signature_date)

        doc.field_changed.connect(self._pull)
        for f in ("kind", "year", "organ", "signature_date"):
            self._pull(f)

    def _year_changed(self, value: int) -> None:
        self.doc.set_field("year", None if value == self.year.minimum() else value)

    def _date_edited(self) -> None:
        try:
            value = parse_date(self.signature_date.text())
        except ValueError as exc:
            self.status_message.emit(f"未接受：{exc}")
            self._pull("signature_date")
            return
        self.doc.set_field("signature_date", value, merge=False)
        self._pull("signature_date")

    def _insert_boilerplate(self) -> None:
        year = self.doc.report.year
        text = T.PREAMBLE_BOILERPLATE.format(year=year if year is not None else "××")
        cur = self.doc.report.preamble
        new = text if not cur.strip() else f"{cur.rstrip()}\n{text}"
        self.doc.set_field("preamble", new, merge=False)

    def _pull(self, field: str) -> None:
        r = self.doc.report
        if field == "kind":
            i = self.kind.findData(r.kind)
            if i >= 0 and i != self.kind.currentIndex():
                self.kind.blockSignals(True)
                self.kind.setCurrentIndex(i)
                self.kind.blockSignals(False)
        elif field == "year":
            v = r.year if r.year is not None else self.year.minimum()
            if v != self.year.value():
                self.year.blockSignals(True)
                self.year.setValue(v)
                self.year.blockSignals(False)
        elif field == "signature_date":
            self.signature_date.setText(r.signature_date or "")
        if field in ("organ", "year"):
            self.title.setPlaceholderText(T.default_title(r.organ, r.year))
            self.signature_organ.setPlaceholderText(r.organ or "署名机关（默认同发布机关）")


_BALANCE_COLOURS = {  # ok → (background, text)
    True: (QColor("#dff3e4"), QColor("#1e6b34")),
    False: (QColor("#f6c6c6"), QColor("#8b1a1a")),
}


class BalanceCell(QLabel):
    """One column's two sides; coloured by painting, not by a style sheet.

    A style-sheet change re-polishes the label and asks the whole tab for a new layout,
    which made every edit that flips a column between 平衡 and 相差 redraw the whole grid.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setMargin(3)
        self.ok: bool | None = None
        self.set_ok(True)

    def set_ok(self, ok: bool) -> None:
        if ok == self.ok:
            return
        self.ok = ok
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.WindowText, _BALANCE_COLOURS[ok][1])
        self.setPalette(pal)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect().adjusted(1, 1, -1, -1), _BALANCE_COLOURS[bool(self.ok)][0])
        painter.end()
        super().paintEvent(event)


class BalanceBar(QWidget):
    """表三: per column 一+二 beside 三（七）总计+四, so the clerk sees the balance itself."""

    def __init__(self, doc: ReportDocument) -> None:
        super().__init__()
        self.doc = doc
        self.grid = grid = QGridLayout(self)
        grid.setContentsMargins(1, 4, 1, 0)
        grid.setHorizontalSpacing(0)
        grid.setVerticalSpacing(2)
        short = T.T3_ROW_SHORT
        self.left_label = f"{short['new']}+{short['carried']}"
        self.right_label = f"{short['total_done']}+{short['carry_next']}"
        title = QLabel(f"<b>勾稽关系</b>　{self.left_label}：<br>{self.right_label}：")
        title.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        title.setContentsMargins(0, 0, 8, 0)
        grid.addWidget(title, 0, 0)
        self.cells: dict[str, BalanceCell] = {}
        for j, col in enumerate(T.T3_COLS):
            lab = BalanceCell()
            lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
            lab.setObjectName(f"balance_{col.id}")
            grid.addWidget(lab, 0, j + 1)
            self.cells[col.id] = lab
        doc.cells_changed.connect(self._on_cells)
        self.refresh()

    def _on_cells(self, ids: list[str]) -> None:
        if any(i.startswith("t3.") for i in ids):
            self.refresh()

    def align(self, widths: list[int]) -> None:
        """Line the balance up under the table's columns (labels C1–C3, data C4–C10)."""
        label_cols = len(widths) - len(T.T3_COLS)
        self.grid.setColumnMinimumWidth(0, sum(widths[:label_cols]))
        self.grid.setColumnStretch(0, 0)
        for j, w in enumerate(widths[label_cols:]):
            self.grid.setColumnMinimumWidth(j + 1, w)
            self.cells[T.T3_COLS[j].id].setFixedWidth(w)

    def sides(self, col: str) -> tuple[int, int]:
        r = self.doc.report
        left = r.count(T.t3_key("new", col)) + r.count(T.t3_key("carried", col))
        right = r.count(T.t3_key("total_done", col)) + r.count(T.t3_key("carry_next", col))
        return left, right

    def refresh(self) -> None:
        for col, lab in self.cells.items():
            left, right = self.sides(col)
            ok = left == right
            text = f"{left}\n{right}　{'✓' if ok else '≠'}"
            if lab.text() != text:
                lab.setText(text)
            lab.set_ok(ok)
            verdict = "平衡" if ok else f"相差 {abs(left - right)}"
            lab.setToolTip(f"{self.left_label} = {left}，{self.right_label} = {right}：{verdict}")


class TableTab(QWidget):
    """二/三/四: the official grid, its actions, the balance (表三) and the optional note."""

    status_message = Signal(str)
    fee_helper_requested = Signal()

    def __init__(self, doc: ReportDocument, section: T.Section, filt: QObject) -> None:
        super().__init__()
        assert section.table is not None
        self.section = section
        self.table = section.table
        lay = QVBoxLayout(self)
        lay.setSpacing(4)
        head = QHBoxLayout()
        head.addWidget(QLabel(f"<b>{section.heading}</b>"))
        # the requirement beside the heading: on a 1366×768 screen every line of 表三 counts
        hint = QLabel(f"填写要求：{section.hint}")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #4a5568;")
        hint.setToolTip(section.hint)
        head.addWidget(hint, 1)
        name = T.TABLE_NAMES[self.table]
        self.fill_button = QPushButton(f"{name}空白填0")
        self.fill_button.setToolTip("把本表所有空白单元格填为 0（可撤销）")
        self.fill_button.setEnabled(not doc.read_only)
        self.fill_button.clicked.connect(self._fill)
        if self.table == "t2":
            self.fee_button = QPushButton("元→万元…")
            self.fee_button.setToolTip("把以“元”为单位的收费金额换算成万元填入")
            self.fee_button.setEnabled(not doc.read_only)
            self.fee_button.clicked.connect(self.fee_helper_requested)
            head.addWidget(self.fee_button)
        head.addWidget(self.fill_button)
        lay.addLayout(head)

        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_lay = QVBoxLayout(top)
        top_lay.setContentsMargins(0, 0, 0, 0)
        self.model = GridModel(self.table, doc, self)
        self.view = GridView()
        self.view.setObjectName(f"grid_{self.table}")
        self.view.setModel(self.model)
        self.view.status_message.connect(self.status_message)
        self.view.fill_requested.connect(self._fill)
        top_lay.addWidget(self.view, 1)
        self.balance: BalanceBar | None = None
        if self.table == "t3":
            self.balance = BalanceBar(doc)
            self.view.columns_laid_out.connect(self.balance.align)
            top_lay.addWidget(self.balance)
        split.addWidget(top)
        self.note = SectionEditor(doc, section, filt, compact=True)
        split.addWidget(self.note)
        # window taller or shorter: 表三 grows and shrinks, under 表二/表四 the note does
        split.setStretchFactor(0, 1 if self.table == "t3" else 0)
        split.setStretchFactor(1, 0 if self.table == "t3" else 1)
        self.splitter = split
        if self.table != "t3":  # small grids: exactly as tall as their rows
            self.view.fit_height = True
            self.view.setMaximumHeight(self.view.full_height())
            top_lay.addStretch(0)  # only what the grid cannot take
        split.setSizes([10_000, self.note.minimumSizeHint().height()])
        self._sized = False
        lay.addWidget(split, 1)
        self._doc = doc

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._sized:  # sizes are known once the layout has run
            self._sized = True
            QTimer.singleShot(0, self.fit_splitter)

    def fit_splitter(self) -> None:
        """表二/表四 whole with the note below taking the rest; 表三 gets all but two lines."""
        total = sum(self.splitter.sizes())
        note = self.note.minimumSizeHint().height()
        if self.table == "t3" or total <= note:
            top = total - note
        else:
            top = min(self.view.full_height() + 8, total - note)
        self.splitter.setSizes([max(top, 0), total - max(top, 0)])

    def _fill(self) -> None:
        n = self._doc.fill_blanks(self.table)
        self.status_message.emit(
            f"{T.TABLE_NAMES[self.table]}：{n} 个空白单元格已填 0。"
            if n
            else "本表没有空白单元格。"
        )
