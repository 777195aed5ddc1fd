"""A template inferred from the appendix table a province already sends, row by row.

Given the rows of the sheet (exports/appendix_reader), decide what each one is, the way a
reviewer reading the form would, and say so for every decision that is not plain:

- codes from the section and the STT, fixing the usual slips: a number repeated or skipped
  after the first child (3.1 then 3.3 is 3.2), a row filed under the wrong parent (1.1.1 under
  1.2), an unnumbered row (the first child of the row above it), a stray trailing dot;
- sections from Roman numerals, from "Biểu mẫu N" titles, or, when the form has neither,
  from its top-level numbers;
- kinds from the unit: "%" a ratio, "Triệu đồng" an amount, "Chưa = 0 / Hoàn thành = 1" a
  choice with those codes, any other unit a count; no unit and rows below, a group;
- a ratio whose first two numeric rows below it (or, when it has none, beside it) are its
  parts is computed from them, the part over the whole, told apart by their labels ("đúng
  hạn", "đã hoàn thành", "trực tuyến" … over "tổng số", "đề ra", "được giao" …); the part is
  never above the whole;
- a count whose rows below are counts of the same unit, or its "Trong đó" lines, is their sum;
- stock figures (procedures, staff quotas, plans, choices) are carried over from last period.

Extra columns state what inference cannot (kind, formula, rule, relevant, hint, carry_over,
not_for, phrase), in the manner of XLSForm; they always win. Pure: rows in, a Template and
findings out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from flows.answers import fold
from flows.catalog import Indicator, Kind, Template

ROMAN = re.compile(r"^(?P<roman>[IVX]+)\s*[.)]?\s*(?P<label>.*)$")
FORM_TITLE = re.compile(r"^\s*biểu(\s+mẫu)?\s*(số\s*)?(?P<n>\d+)\s*[.:]?\s*(?P<label>.*)$", re.I)
STT = re.compile(r"^\d+(\.\d+)*\.?$")
CHOICE = re.compile(r"(?P<label>[^=;,]+?)\s*=\s*(?P<code>\d+)\s*[;,]?")
BREAKDOWN_MARK = re.compile(r"^\s*trong\s+đó\s*[:.]?\s*", re.I)
PERIOD_AND_UNIT = re.compile(
    r"\s+(QUÝ\b|0?6 THÁNG|0?9 THÁNG|NĂM\s+\d{4}|CỦA\b|KỲ\b).*$", re.IGNORECASE
)
FIGURE = re.compile(r"^\s*\d{1,3}([.,]\d{3})*([.,]\d+)?\s*%?\s*$")
DASH = re.compile(r"^\s*[-–+•]\s*")

PART_WORDS = (
    "dung han",
    "da hoan thanh",
    "hoan thanh",
    "da giai quyet",
    "giai quyet xong",
    "da xu ly",
    "xu ly xong",
    "da thuc hien",
    "truc tuyen",
    "da ket noi",
    "da tich hop",
    "duoc tich hop",
    "dang cung cap",
    "toan trinh",
    "co phat sinh",
)
WHOLE_WORDS = (
    "tong so",
    "de ra",
    "duoc giao",
    "ke hoach",
    "phat hien",
    "da tiep nhan",
    "co yeu cau",
    "du dieu kien",
    "can phai",
)
# Figures that describe what the unit has (procedures, services, staff, organisations, plans,
# connections) rather than what happened in the period: carried over from last period.
STOCK_WORDS = (
    "tthc",
    "dvc",
    "dvctt",
    "bien che",
    "nguoi lam viec",
    "so voi nam 2015",
    "ke hoach",
    "dvsn",
    "dvsncl",
    "don vi su nghiep",
    "ban quan ly",
    "to chuc lien nganh",
    "vi tri viec lam",
    "sap xep",
    "ket noi",
    "nghia vu tai chinh",
)
# ... unless the row counts what happened: files handled, procedures announced or abolished.
FLOW_WORDS = (
    "trong ky",
    "phat sinh ho so",
    "cong bo",
    "bai bo",
    "phuong an",
    "kiem tra",
    "phat hien",
    "ky luat",
)
FLOW_STARTS = (" so ho so ", " tong so ho so ", " ty le ho so ", " so luong ho so ")
ROMANS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


@dataclass(frozen=True)
class SheetRow:
    """One data row of the sheet as text; ``line`` is its row number in the spreadsheet."""

    line: int
    stt: str
    label: str
    unit: str
    value: str | Decimal | None = None
    note: str = ""
    extras: Mapping[str, str] = field(default_factory=dict)
    title: bool = False  # a "Biểu mẫu N …" title between tables
    italic: bool = False  # the label in italics, as the form prints breakdown lines


@dataclass(frozen=True)
class Finding:
    """What was decided about one row, said in Vietnamese for the person importing."""

    line: int
    code: str
    text: str
    fixed: bool = False  # a slip in the sheet, corrected
    undecided: bool = False  # a guess the author should check (or state in an extra column)

    def __str__(self) -> str:
        where = f"Dòng {self.line} ({self.code})" if self.code else f"Dòng {self.line}"
        if not self.line:
            where = "Tiêu đề"
        return f"{where}: {self.text}"


@dataclass(frozen=True)
class Inferred:
    template: Template
    findings: list[Finding]
    codes: dict[int, str]  # sheet line → indicator code, to match filled-in figures later


class InferenceError(ValueError):
    """The rows cannot make a template; the message names the row."""


@dataclass
class _Node:
    row: SheetRow
    section: str
    stt: str  # the fixed STT within the section, "2.1"
    depth: int
    label: str
    children: list[_Node] = field(default_factory=list)
    parent: _Node | None = None
    breakdown: bool = False  # a "Trong đó" line
    dashed: bool = False  # a breakdown line written "- Cấp huyện", under the one above it
    last: int = 0  # its own number among its siblings
    unit: str = ""  # its unit, or for a breakdown line without one, its owner's
    kind: Kind | None = None
    choices: list[dict[str, Any]] = field(default_factory=list)
    formula: str = ""
    at_most: list[str] = field(default_factory=list)
    sum_of: list[str] = field(default_factory=list)
    soft_at_most: list[str] = field(default_factory=list)
    parts_at_most: list[str] = field(default_factory=list)
    carry_over: bool = False

    @property
    def code(self) -> str:
        return f"{self.section}.{self.stt}"


@dataclass
class _Section:
    code: str
    label: str
    line: int
    number: int | None = None  # the part's own number, for a form numbered without sections
    form: str = ""  # the "Biểu 1" title the section is printed under
    roots: list[_Node] = field(default_factory=list)
    nodes: list[_Node] = field(default_factory=list)


def infer(
    rows: Sequence[SheetRow], *, template_id: str, name: str = "", level: str, title: str = ""
) -> Inferred:
    """``name`` empty: the form's cleaned title names it (else its id)."""
    findings: list[Finding] = []
    rows = [_tidy(row, findings) for row in rows]
    sections = _sections(rows, findings)
    if not any(s.nodes for s in sections):
        raise InferenceError("bảng không có dòng chỉ tiêu nào dưới dòng tiêu đề")
    for section in sections:
        for node in section.nodes:
            _kind(node, findings)
        for node in section.nodes:
            _ratio(node, findings)
            _sum(node, findings)
        for node in section.nodes:
            _extras(node, findings)
            _stock(node, findings)
    template = _template(sections, template_id, name, level, title, findings)
    codes = {n.row.line: n.code for s in sections for n in s.nodes}
    return Inferred(template, findings, codes)


# --- cells in the wrong column ------------------------------------------------------------------
def _tidy(row: SheetRow, findings: list[Finding]) -> SheetRow:
    """Put back what a copied table shifted one column: the label typed under STT ("- Cấp xã"
    with nothing under Chỉ tiêu), a figure typed under Đơn vị tính ("2.380")."""
    if row.title:
        return row
    stt, label, unit, value = row.stt, row.label, row.unit, row.value
    moved = []
    if (
        stt
        and not label
        and not STT.match(stt)
        and not ROMAN.match(stt)
        and not BREAKDOWN_MARK.match(stt)
    ):
        stt, label = "", stt
        moved.append("tên chỉ tiêu nằm ở cột STT")
    if FIGURE.match(unit):
        moved.append(f"số {unit} nằm ở cột đơn vị tính")
        unit = ""
        if value is None or value == "":
            value = row.unit
    label = label.strip().rstrip(":").strip()  # "Số TTHC cấp huyện:"
    if not moved:
        return replace(row, label=label) if label != row.label else row
    findings.append(
        Finding(row.line, "", f"{'; '.join(moved)}: đã chuyển về đúng cột.", fixed=True)
    )
    return replace(row, stt=stt, label=label, unit=unit, value=value)


# --- sections and numbering ---------------------------------------------------------------
def _sections(rows: Sequence[SheetRow], findings: list[Finding]) -> list[_Section]:
    roman = any(_roman(r) for r in rows)
    titled = any(r.title for r in rows)
    sections: list[_Section] = []
    current: _Section | None = None
    pending: list[SheetRow] = []
    top_level = not roman and not titled  # seed 002: "1. Công tác chỉ đạo …" heads a part
    dots = 0
    form = ""
    for row in rows:
        found = _roman(row) if roman else None
        if found is not None:
            current = _Section(found[0], found[1], row.line, form=form)
            sections.append(current)
            continue
        if roman and row.title:  # "Biểu 1" above sections I–VII: the form they belong to
            form = " ".join(row.label.split())
            continue
        if titled and row.title:
            m = FORM_TITLE.match(row.label)
            assert m is not None
            number = int(m["n"])
            current = _Section(_roman_of(number), m["label"].strip() or row.label, row.line)
            sections.append(current)
            continue
        if row.title:
            continue
        if top_level and _is_part_head(row, rows):
            number = int(row.stt.rstrip(".").split(".")[0])
            current = _Section(_roman_of(number), row.label, row.line, number)
            sections.append(current)
            continue
        if current is None:
            pending.append(row)
            continue
        dots += row.stt.endswith(".") and len(row.stt) > 1
        _place(current, row, findings, top_level)
    if pending:
        raise InferenceError(
            f"Dòng {pending[0].line}: chỉ tiêu nằm trước mục đầu tiên (cần một dòng mục như "
            "“I. Công tác chỉ đạo điều hành CCHC” hoặc “Biểu mẫu 1 …” phía trên)"
        )
    if dots:
        findings.append(
            Finding(
                sections[0].line,
                "",
                f"{dots} dòng có STT kết thúc bằng dấu chấm (như “2.1.”): đã bỏ dấu chấm.",
                fixed=True,
            )
        )
    return sections


def _roman(row: SheetRow) -> tuple[str, str] | None:
    if row.unit:
        return None
    text = row.stt if not row.label else f"{row.stt} {row.label}"
    m = ROMAN.match(text.strip())
    if m is None or m["roman"] not in ROMANS:
        return None
    return m["roman"], m["label"].strip() or row.label


def _roman_of(n: int) -> str:
    if not 1 <= n <= len(ROMANS):
        raise InferenceError(f"mục số {n}: chỉ hỗ trợ đến {len(ROMANS)} mục")
    return ROMANS[n - 1]


def _is_part_head(row: SheetRow, rows: Sequence[SheetRow]) -> bool:
    stt = row.stt.rstrip(".")
    return bool(STT.match(row.stt)) and "." not in stt and not row.unit


def _numbers(stt: str) -> tuple[int, ...] | None:
    text = stt.strip()
    if not text or not STT.match(text):
        return None
    return tuple(int(p) for p in text.rstrip(".").split("."))


def _place(section: _Section, row: SheetRow, findings: list[Finding], top_level: bool) -> None:
    numbers = _numbers(row.stt)
    written = row.stt.strip().rstrip(".")
    if numbers is not None and top_level:
        numbers = numbers[1:]  # "3.2.1" in part 3 is III.2.1
    marked = bool(BREAKDOWN_MARK.match(row.stt) or BREAKDOWN_MARK.match(row.label))
    label = BREAKDOWN_MARK.sub("", row.label)
    if numbers is None or not numbers:
        _place_unnumbered(section, row, label, marked, findings)
        return
    depth = len(numbers)
    parent = _last_at(section, depth - 1)
    if depth > 1 and parent is None:
        raise InferenceError(f"Dòng {row.line}: STT {row.stt} không có dòng cha phía trên")
    siblings = parent.children if parent else section.roots
    own = [s for s in siblings if not s.breakdown]
    given = numbers[-1]
    # The first child keeps its number (a form may leave out rows); later ones follow on.
    number = own[-1].last + 1 if own else given
    stt = f"{parent.stt}.{number}" if parent else str(number)
    node = _Node(row, section.code, stt, depth, label, parent=parent, last=number)
    node.unit = row.unit.strip()
    shown = f"{section.number}.{stt}" if top_level else stt
    if shown != written:
        if own and given <= own[-1].last:
            why = "số bị trùng"
        elif own and given > own[-1].last + 1:
            why = "bỏ sót số"
        else:
            why = "sai số của dòng cha"
        findings.append(
            Finding(row.line, node.code, f"STT {row.stt} sửa thành {shown} ({why}).", fixed=True)
        )
    _attach(section, node, parent)


def _place_unnumbered(
    section: _Section, row: SheetRow, label: str, marked: bool, findings: list[Finding]
) -> None:
    last = section.nodes[-1] if section.nodes else None
    if last is None:
        raise InferenceError(f"Dòng {row.line}: dòng không có STT đứng đầu mục {section.code}")
    dashed = bool(DASH.match(label))
    label = DASH.sub("", label).strip()
    if not marked and not last.breakdown:
        # The first row under the one above it, left unnumbered (seed 000's 6.1.1).
        number = len(last.children) + 1
        node = _Node(row, section.code, f"{last.stt}.{number}", last.depth + 1, label, parent=last)
        node.last, node.unit = number, row.unit.strip()
        findings.append(
            Finding(row.line, node.code, f"dòng không có STT: đánh số {node.stt}.", fixed=True)
        )
        _attach(section, node, last)
        return
    if marked:
        owner = _numbered_owner(last)  # "Trong đó: …" under the last numbered row
    elif dashed:
        owner = last.parent if last.dashed else last  # "- Cấp huyện" under "Tiếp nhận …"
    else:
        owner = last.parent.parent if last.dashed else last.parent  # type: ignore[union-attr]
    assert owner is not None
    number = len(owner.children) + 1
    node = _Node(row, section.code, f"{owner.stt}.{number}", owner.depth + 1, label, parent=owner)
    node.breakdown, node.dashed, node.last = True, dashed, number
    node.unit = row.unit.strip() or owner.unit
    _attach(section, node, owner)


def _numbered_owner(node: _Node) -> _Node:
    while node.breakdown and node.parent is not None:
        node = node.parent
    return node


def _last_at(section: _Section, depth: int) -> _Node | None:
    if depth == 0:
        return None
    for node in reversed(section.nodes):
        if node.depth == depth and not node.breakdown:
            return node
    return None


def _attach(section: _Section, node: _Node, parent: _Node | None) -> None:
    (parent.children if parent else section.roots).append(node)
    section.nodes.append(node)


# --- kinds ------------------------------------------------------------------------------------
def _kind(node: _Node, findings: list[Finding]) -> None:
    unit = node.unit
    given = fold(node.row.extras.get("kind", ""))
    if given:
        try:
            node.kind = Kind(given)
        except ValueError:
            raise InferenceError(
                f"Dòng {node.row.line} ({node.code}): cột kind “{given}” không hợp lệ "
                f"(chỉ nhận: {', '.join(k.value for k in Kind)})"
            ) from None
        if node.kind is Kind.CHOICE:
            node.choices = _choices(unit)
        return
    choices = _choices(unit)
    if len(choices) >= 2:
        node.kind, node.choices = Kind.CHOICE, choices
        codes = ", ".join(f"{c['label']} = {c['code']}" for c in choices)
        findings.append(Finding(node.row.line, node.code, f"lựa chọn theo mã: {codes}."))
        return
    folded = fold(unit)
    label = fold(node.label)
    if node.children and label.startswith("so lieu"):  # "Số liệu về …": a heading, any unit
        node.kind = Kind.GROUP
    elif folded == "%":
        node.kind = Kind.RATIO_ENTERED  # computed if its parts are found (_ratio)
    elif label.startswith("ty le") and not node.children:
        node.kind = Kind.RATIO_ENTERED
        if unit:
            node.unit = "%"
            findings.append(
                Finding(
                    node.row.line,
                    node.code,
                    f"tỷ lệ có đơn vị tính “{unit}”: coi là %.",
                    fixed=True,
                )
            )
    elif "trieu" in folded or "dong" in folded.split():
        node.kind = Kind.AMOUNT
    elif unit:
        node.kind = Kind.COUNT
    elif node.breakdown and node.parent is not None and node.parent.kind in NUMBERS:
        node.kind = node.parent.kind  # "- Cấp xã" under a count counts the same thing
    elif (
        label.startswith(COUNT_WORDS)
        and not label.startswith("so lieu")  # "Số liệu về …" heads a group
        and (not node.children or node.row.value not in (None, ""))
    ):
        node.kind = Kind.COUNT
        findings.append(
            Finding(
                node.row.line,
                node.code,
                "không có đơn vị tính; tên bắt đầu bằng “Số”: coi là số lượng "
                "(ghi đơn vị tính hoặc cột kind nếu khác).",
                undecided=True,
            )
        )
    elif node.children:
        node.kind = Kind.GROUP
    elif node.row.value is not None:
        node.kind = Kind.COUNT
        findings.append(
            Finding(
                node.row.line,
                node.code,
                "không có đơn vị tính nhưng có số liệu: coi là "
                "số lượng (ghi đơn vị tính hoặc cột kind nếu khác).",
                undecided=True,
            )
        )
    else:
        node.kind = Kind.TEXT
        findings.append(
            Finding(
                node.row.line,
                node.code,
                "không có đơn vị tính, không có dòng con: coi là "
                "nội dung ghi bằng chữ (cột kind nếu khác).",
                undecided=True,
            )
        )


def _choices(unit: str) -> list[dict[str, Any]]:
    found = [(m["label"].strip(" .:"), int(m["code"])) for m in CHOICE.finditer(unit)]
    if len(found) < 2 or len({code for _, code in found}) != len(found):
        return []
    return [{"code": code, "label": label} for label, code in sorted(found, key=lambda x: x[1])]


NUMBERS = (Kind.COUNT, Kind.AMOUNT)
COUNT_WORDS = ("so ", "tong so ", "so luong ")


# --- ratios and sums --------------------------------------------------------------------------
def _ratio(node: _Node, findings: list[Finding]) -> None:
    if node.kind is not Kind.RATIO_ENTERED or "kind" in _given(node) or "formula" in _given(node):
        return
    numeric = [c for c in node.children if c.kind in (Kind.COUNT, Kind.AMOUNT)]
    if not node.children and node.parent is not None:
        after = node.parent.children[node.parent.children.index(node) + 1 :]
        numeric = []
        for sibling in after:
            if sibling.kind not in (Kind.COUNT, Kind.AMOUNT) or sibling.children:
                break
            numeric.append(sibling)
    elif not node.children and node.parent is None:
        return
    if len(numeric) < 2:
        return
    first, second = numeric[0], numeric[1]
    if fold(first.unit) != fold(second.unit):
        findings.append(
            Finding(
                node.row.line,
                node.code,
                f"tỷ lệ: {first.code} và {second.code} khác đơn vị "
                "tính, nên tỷ lệ được nhập trực tiếp (cột formula nếu khác).",
                undecided=True,
            )
        )
        return
    if not node.children and _score(first) == _score(second):
        return  # rows beside a ratio are its parts only if their labels tell whole from part
    whole, part = (first, second) if _score(first) >= _score(second) else (second, first)
    node.kind = Kind.RATIO_COMPUTED
    node.formula = f"{part.code} / {whole.code} * 100"
    if whole.code not in part.at_most:
        part.at_most.append(whole.code)
    extra = f" (bỏ qua {', '.join(n.code for n in numeric[2:])})" if len(numeric) > 2 else ""
    findings.append(
        Finding(
            node.row.line,
            node.code,
            f"tỷ lệ, tính từ {part.code} / {whole.code} × 100; "
            f"{part.code} không lớn hơn {whole.code}{extra}.",
        )
    )


def _score(node: _Node) -> int:
    """Higher for the whole ("tổng số", "đề ra") than for the part ("đúng hạn", "đã xử lý")."""
    label = fold(node.label)
    return sum(w in label for w in WHOLE_WORDS) * 2 - sum(w in label for w in PART_WORDS)


def _sum(node: _Node, findings: list[Finding]) -> None:
    if node.kind not in (Kind.COUNT, Kind.AMOUNT) or len(node.children) < 2:
        return
    if {"rule", "kind"} & _given(node):  # the author has said what the row is
        return
    # Its rows of the same unit, leaving out a ratio among them ("Tỷ lệ ĐVSNCL đã cắt giảm").
    parts = [c for c in node.children if c.kind not in (Kind.RATIO_ENTERED, Kind.RATIO_COMPUTED)]
    same_unit = all(c.kind in NUMBERS and fold(c.unit) == fold(node.unit) for c in parts)
    if not same_unit or len(parts) < 2:
        return
    node.sum_of = [c.code for c in parts]
    findings.append(Finding(node.row.line, node.code, f"bằng tổng {' + '.join(node.sum_of)}."))


def _given(node: _Node) -> set[str]:
    return {k for k, v in node.row.extras.items() if v.strip()}


# --- what the author wrote in the extra columns -------------------------------------------------
# "≤ III.2.2", "nên ≤ IV.2.1", "≥ I.5.2 + I.5.3", "tổng II.1.1 + II.1.2" (or "= …" written as
# text: in Excel a cell that starts with "=" is a formula, so "tổng" is the way to type a sum).
RULE = re.compile(
    r"^\s*(?P<soft>nên\s+)?(?P<op><=|≤|>=|≥|=|tổng|tong|sum)\s*:?\s*(?P<refs>.+?)\s*$", re.I
)


def written_rules(ind: Indicator) -> list[str]:
    """An indicator's rules as the rule column writes them, which _extras reads back."""
    rules = [f"≤ {whole}" for whole in ind.at_most]
    if ind.sum_of:
        rules.append("tổng " + " + ".join(ind.sum_of))
    if ind.parts_at_most:
        rules.append("≥ " + " + ".join(ind.parts_at_most))
    return rules + [f"nên ≤ {whole}" for whole in ind.soft_at_most]


def _extras(node: _Node, findings: list[Finding]) -> None:
    extras = node.row.extras
    if extras.get("formula", "").strip():
        node.kind = Kind.RATIO_COMPUTED
        node.formula = " ".join(extras["formula"].replace("×", "*").split())
    for item in (p for p in extras.get("rule", "").split(";") if p.strip()):
        m = RULE.match(item)
        if m is None:
            raise InferenceError(
                f"Dòng {node.row.line} ({node.code}): cột rule “{item.strip()}” không hợp lệ "
                "(ví dụ: ≤ III.2.2; tổng II.1.1 + II.1.2; ≥ I.5.2 + I.5.3; nên ≤ IV.2.1)"
            )
        refs = [r.strip() for r in m["refs"].split("+") if r.strip()]
        op = m["op"].lower().replace("≤", "<=").replace("≥", ">=")
        op = "=" if op in ("tổng", "tong", "sum") else op
        if m["soft"]:
            node.soft_at_most += refs
        elif op == "<=":
            node.at_most += refs
        elif op == "=":
            node.sum_of = refs
        else:
            node.parts_at_most += refs
    carry = fold(extras.get("carry_over", ""))
    if carry:
        node.carry_over = carry in ("x", "co", "1", "true", "yes", "giu")


def _stock(node: _Node, findings: list[Finding]) -> None:
    if {"carry_over", "kind"} & _given(node) or node.kind in (Kind.GROUP, Kind.TEXT):
        return
    if node.kind is Kind.RATIO_COMPUTED:  # computed afresh from its parts every period
        return
    if node.kind is Kind.CHOICE:  # a state that progresses ("Chưa", "Đang làm", "Hoàn thành")
        node.carry_over = any(fold(c["label"]).startswith("chua") for c in node.choices)
        return
    words = f" {re.sub(r'[^a-z0-9]+', ' ', fold(node.label))} "
    if words.startswith(FLOW_STARTS) or any(f" {w} " in words for w in FLOW_WORDS):
        return
    node.carry_over = any(f" {w} " in words for w in STOCK_WORDS)


# --- the template ------------------------------------------------------------------------------
def _template(
    sections: list[_Section],
    template_id: str,
    name: str,
    level: str,
    title: str,
    findings: list[Finding],
) -> Template:
    data: dict[str, Any] = {
        "id": template_id,
        "name": name,
        "level": level,
        "source": "nhập từ bảng tính",
        "sections": [
            {
                "code": s.code,
                "label": s.label,
                **({"form": s.form} if s.form else {}),
                "rows": [_row(n) for n in s.nodes],
            }
            for s in sections
        ],
    }
    heading = _heading(title, findings)
    if heading:
        data["title"] = heading
    data["name"] = name or heading or template_id
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        by_code = {n.code: n.row.line for s in sections for n in s.nodes}
        messages = []
        for err in exc.errors():
            text = str(err["msg"]).removeprefix("Value error, ")
            code = re.search(r"Dòng ([IVX]+(?:\.\d+)+)", text)
            line = by_code.get(code.group(1)) if code else _line_at(sections, err["loc"])
            messages.append(f"Dòng {line}: {text}" if line else text)
        raise InferenceError("; ".join(messages)) from exc


def _line_at(sections: list[_Section], loc: tuple[int | str, ...]) -> int | None:
    """The sheet row a validation error's location ("sections", 2, "rows", 32, …) points at."""
    if len(loc) >= 4 and loc[0] == "sections" and loc[2] == "rows":
        section, row = loc[1], loc[3]
        if isinstance(section, int) and isinstance(row, int) and section < len(sections):
            nodes = sections[section].nodes
            return nodes[row].row.line if row < len(nodes) else None
    return None


def _heading(title: str, findings: list[Finding]) -> str:
    """The form's title for every round: without the period and the unit the sheet was for,
    which the appendix prints itself ("… QUÝ III NĂM 2024 CỦA XÃ SƠN TRUNG")."""
    line = next((t for t in title.split("\n") if fold(t).startswith("thong ke")), "")
    heading = " ".join(line.split())
    if not heading:
        return ""
    general = PERIOD_AND_UNIT.sub("", heading).strip(" ,.-")
    first = general.split()[0]
    if fold(first) == "thong" and first.lower() != "thống":  # "THÔNG KÊ", a common slip
        general = ("THỐNG" if first.isupper() else "Thống") + general[len(first) :]
    if general != heading:
        findings.append(
            Finding(0, "", f"“{general}” (bỏ kỳ, tên đơn vị và lỗi gõ; bot tự in kỳ và đơn vị).")
        )
    return general[:200]


def _row(node: _Node) -> dict[str, Any]:
    extras = node.row.extras
    row: dict[str, Any] = {"stt": node.stt, "label": node.label, "kind": node.kind}
    unit = node.unit
    if node.kind is Kind.CHOICE:
        row["choices"] = node.choices
    elif unit:
        row["unit"] = unit
    for name in ("formula", "at_most", "sum_of", "soft_at_most", "parts_at_most"):
        value = getattr(node, name)
        if value:
            row[name] = value
    if node.carry_over:
        row["carry_over"] = True
    if extras.get("hint", "").strip():
        row["hint"] = extras["hint"].strip()
    if extras.get("relevant", "").strip():
        row["relevant"] = extras["relevant"].strip()
    if extras.get("not_for", "").strip():
        row["not_for"] = [p.strip() for p in re.split(r"[,;\s]+", extras["not_for"]) if p.strip()]
    if node.breakdown or node.row.italic:
        row["italic"] = True
    if extras.get("phrase", "").strip():
        row["phrase"] = extras["phrase"].strip()
    return row
