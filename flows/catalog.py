"""The indicator catalog: a template is data (YAML), validated here when it is loaded.

A template that breaks its own rules must not reach an officer, so every cross-reference
(formulas, part-of-whole rules, breakdowns) is checked on load and the error names the row.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from enum import StrEnum
from functools import cache, cached_property
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from flows import conditions, formulas, phrases

TEMPLATES_DIR = Path(__file__).parent / "templates"

STT_PATTERN = re.compile(r"^\d+(\.\d+)*$")
SECTION_PATTERN = re.compile(r"^[IVX]+$")
TEMPLATE_ID = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")  # safe in a file name and a URL


class Kind(StrEnum):
    GROUP = "group"
    COUNT = "count"
    AMOUNT = "amount"
    RATIO_COMPUTED = "ratio_computed"
    RATIO_ENTERED = "ratio_entered"
    CHOICE = "choice"
    TEXT = "text"

    @property
    def is_numeric(self) -> bool:
        return self in NUMERIC_KINDS

    @property
    def is_asked(self) -> bool:
        """Groups have no value and computed ratios are never asked."""
        return self not in (Kind.GROUP, Kind.RATIO_COMPUTED)


NUMERIC_KINDS = frozenset({Kind.COUNT, Kind.AMOUNT, Kind.RATIO_COMPUTED, Kind.RATIO_ENTERED})


Level = Literal["tinh", "huyen", "xa"]


class Choice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Annotated[int, Field(ge=0, le=99)]
    label: Annotated[str, Field(min_length=1)]


class Row(BaseModel):
    """One row of the appendix as the template file writes it (code is derived)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stt: Annotated[str, Field(pattern=STT_PATTERN.pattern)]
    label: Annotated[str, Field(min_length=1)]
    kind: Kind
    unit: str = ""
    hint: str = ""
    choices: tuple[Choice, ...] = ()
    formula: str = ""
    at_most: tuple[str, ...] = ()
    sum_of: tuple[str, ...] = ()
    carry_over: bool = False
    italic: bool = False
    # Levels that do not answer this row although the form prints it (a province's row in
    # the commune form): kept in the appendix, empty, never asked of units of these levels.
    not_for: tuple[Level, ...] = ()
    # Parts that are usually, not always, at most their whole: asked once to confirm.
    soft_at_most: tuple[str, ...] = ()
    # Parts whose sum is never above this row (huyen I.5.2 + I.5.3 + I.5.4 ≤ I.5.1), where
    # unlike sum_of they need not add up to it.
    parts_at_most: tuple[str, ...] = ()
    # Asked only when this holds, e.g. "I.6 = 1" (flows/conditions); printed empty otherwise.
    relevant: str = ""
    # The sentence the narrative report writes for this row, with places for its figures
    # (flows/phrases): "Tổng số hồ sơ … là {III.2.2}, … đạt tỷ lệ {value}". Empty: a plain one.
    phrase: str = ""


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Annotated[str, Field(pattern=SECTION_PATTERN.pattern)]
    label: Annotated[str, Field(min_length=1)]
    form: str = ""
    rows: tuple[Row, ...]


class Indicator(BaseModel):
    """A row with its template-wide code, the unit of everything downstream."""

    model_config = ConfigDict(frozen=True)

    code: str
    section: str
    stt: str
    depth: int
    label: str
    kind: Kind
    unit: str
    hint: str
    choices: tuple[Choice, ...]
    formula: str
    at_most: tuple[str, ...]
    sum_of: tuple[str, ...]
    carry_over: bool
    italic: bool
    ask: bool = True
    not_for: tuple[str, ...] = ()
    soft_at_most: tuple[str, ...] = ()
    parts_at_most: tuple[str, ...] = ()
    relevant: str = ""
    phrase: str = ""
    # The parent row's label, for a label that means little alone ("Đã thực hiện", or one
    # that recurs under two parents): the question shows it before the row's own label.
    context: str = ""

    @property
    def full_label(self) -> str:
        return f"{self.context} — {self.label}" if self.context else self.label

    @property
    def choice_codes(self) -> tuple[int, ...]:
        return tuple(c.code for c in self.choices)

    def choice_label(self, code: int) -> str:
        return next((c.label for c in self.choices if c.code == code), str(code))

    @property
    def unit_column(self) -> str:
        """What the appendix prints under Đơn vị tính: the codes for coded indicators."""
        if self.kind is Kind.CHOICE:
            return "; ".join(f"{c.label} = {c.code}" for c in self.choices)
        return self.unit


class Template(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=TEMPLATE_ID.pattern)]
    name: str
    title: str = "THỐNG KÊ SỐ LIỆU BÁO CÁO CẢI CÁCH HÀNH CHÍNH"
    level: Annotated[str, Field(pattern=r"^(tinh|huyen|xa)$")]
    source: str = ""
    # Templates whose reports this one follows on from (xa-2025 after xa): the same codes mean
    # the same rows, so their last period's figures are this one's "Kỳ trước".
    continues: tuple[Annotated[str, Field(pattern=TEMPLATE_ID.pattern)], ...] = ()
    sections: tuple[Section, ...]

    @model_validator(mode="after")
    def _check(self) -> Template:
        _validate(self)
        return self

    # --- derived views -------------------------------------------------------------
    @cached_property
    def indicators(self) -> tuple[Indicator, ...]:
        return _indicators(self)

    @cached_property
    def by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    @cached_property
    def asked(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.kind.is_asked and i.ask)

    @cached_property
    def conditional(self) -> bool:
        """Whether some row is asked only on a condition (most forms have none)."""
        return any(i.relevant for i in self.asked)

    @cached_property
    def computed(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.kind is Kind.RATIO_COMPUTED)

    @cached_property
    def leaf_refs(self) -> dict[str, frozenset[str]]:
        """For each computed ratio, the figures it rests on, through other ratios too: an
        answer recomputes and announces only the ratios resting on it."""

        def leaves(code: str) -> frozenset[str]:
            ind = self.by_code[code]
            if ind.kind is not Kind.RATIO_COMPUTED:
                return frozenset({code})
            return frozenset().union(*(leaves(ref) for ref in formulas.references(ind.formula)))

        return {ind.code: leaves(ind.code) for ind in self.computed}

    def section(self, code: str) -> Section:
        return next(s for s in self.sections if s.code == code)

    def __hash__(self) -> int:
        return hash(self.id)


class TemplateError(ValueError):
    """A template file that cannot be used; the message names the file and the row."""


def _code(section: Section, row: Row) -> str:
    return f"{section.code}.{row.stt}"


def _indicators(template: Template) -> tuple[Indicator, ...]:
    return tuple(_iter_indicators(template))


SHORT_LABEL = 25  # characters: "Kế hoạch được giao" needs its parent to be understood


def _iter_indicators(template: Template) -> Iterator[Indicator]:
    labels = [row.label for section in template.sections for row in section.rows]
    for section in template.sections:
        by_stt = {row.stt: row for row in section.rows}
        for row in section.rows:
            parent = by_stt.get(row.stt.rsplit(".", 1)[0]) if "." in row.stt else None
            vague = len(row.label) < SHORT_LABEL or labels.count(row.label) > 1
            yield Indicator(
                code=_code(section, row),
                section=section.code,
                stt=row.stt,
                depth=row.stt.count(".") + 1,
                label=row.label,
                kind=row.kind,
                unit=row.unit,
                hint=row.hint,
                choices=row.choices,
                formula=row.formula,
                at_most=row.at_most,
                sum_of=row.sum_of,
                carry_over=row.carry_over,
                italic=row.italic,
                ask=template.level not in row.not_for,
                not_for=tuple(row.not_for),
                soft_at_most=row.soft_at_most,
                parts_at_most=row.parts_at_most,
                relevant=row.relevant,
                phrase=row.phrase,
                context=parent.label if parent is not None and vague else "",
            )


def _validate(template: Template) -> None:
    seen: dict[str, Row] = {}
    section_codes: set[str] = set()
    for section in template.sections:
        if section.code in section_codes:
            raise ValueError(f"Mục {section.code} xuất hiện hai lần")
        section_codes.add(section.code)
        stts: set[str] = set()
        for row in section.rows:
            code = _code(section, row)
            where = f"Dòng {code} ({row.label[:50]})"
            if code in seen:
                raise ValueError(f"{where}: mã {code} bị trùng")
            parent = row.stt.rsplit(".", 1)[0] if "." in row.stt else None
            if parent is not None and parent not in stts:
                raise ValueError(f"{where}: dòng cha {section.code}.{parent} không có phía trên")
            stts.add(row.stt)
            seen[code] = row
            _validate_row_shape(where, row)

    kinds = {code: row.kind for code, row in seen.items()}
    figures = {code for code, kind in kinds.items() if kind is not Kind.GROUP}
    for code, row in seen.items():
        where = f"Dòng {code} ({row.label[:50]})"
        for ref in (*row.at_most, *row.sum_of, *row.soft_at_most, *row.parts_at_most):
            if ref not in kinds:
                raise ValueError(f"{where}: tham chiếu mã không có trong biểu: {ref}")
            if not kinds[ref].is_numeric or kinds[ref] is Kind.RATIO_COMPUTED:
                raise ValueError(f"{where}: {ref} không phải chỉ tiêu số được nhập")
        if row.relevant:
            _validate_condition(where, code, row.relevant, list(seen), kinds)
        if row.formula:
            try:
                refs = formulas.references(row.formula)
            except formulas.FormulaError as exc:
                raise ValueError(f"{where}: công thức sai: {exc}") from exc
            for ref in refs:
                if ref not in kinds:
                    raise ValueError(f"{where}: công thức dùng mã không có trong biểu: {ref}")
                if not kinds[ref].is_numeric:
                    raise ValueError(f"{where}: công thức dùng {ref}, không phải chỉ tiêu số")
        if row.phrase:
            try:
                phrases.check(row.phrase, figures, group=row.kind is Kind.GROUP)
            except phrases.PhraseError as exc:
                raise ValueError(f"{where}: câu văn (phrase) sai: {exc}") from exc
    _check_cycles(seen)


def _validate_condition(
    where: str, code: str, text: str, order: list[str], kinds: dict[str, Kind]
) -> None:
    """A condition names rows asked before this one, with a number or a code to compare."""
    try:
        condition = conditions.parse(text)
    except conditions.ConditionError as exc:
        raise ValueError(f"{where}: điều kiện relevant sai: {exc}") from exc
    for ref in condition.references:
        if ref not in kinds:
            raise ValueError(f"{where}: điều kiện dùng mã không có trong biểu: {ref}")
        if not (kinds[ref].is_numeric or kinds[ref] is Kind.CHOICE):
            raise ValueError(f"{where}: điều kiện dùng {ref}, không phải số hay mã lựa chọn")
        if order.index(ref) >= order.index(code):
            raise ValueError(f"{where}: điều kiện dùng {ref}, dòng này phải đứng trước")


def _validate_row_shape(where: str, row: Row) -> None:
    if row.kind is Kind.CHOICE:
        codes = [c.code for c in row.choices]
        if len(codes) < 2:
            raise ValueError(f"{where}: chỉ tiêu lựa chọn cần ít nhất hai mã")
        if len(set(codes)) != len(codes):
            raise ValueError(f"{where}: mã lựa chọn bị trùng")
    elif row.choices:
        raise ValueError(f"{where}: chỉ chỉ tiêu loại choice mới có mã lựa chọn")
    if row.kind is Kind.RATIO_COMPUTED and not row.formula:
        raise ValueError(f"{where}: tỷ lệ tính tự động cần có công thức")
    if row.kind is not Kind.RATIO_COMPUTED and row.formula:
        raise ValueError(f"{where}: chỉ tỷ lệ tính tự động mới có công thức")
    if (row.at_most or row.sum_of or row.soft_at_most or row.parts_at_most) and row.kind not in (
        Kind.COUNT,
        Kind.AMOUNT,
    ):
        raise ValueError(f"{where}: quy tắc so sánh chỉ dùng cho số lượng hoặc số tiền")
    if row.kind in (Kind.RATIO_COMPUTED, Kind.RATIO_ENTERED) and row.unit != "%":
        raise ValueError(f"{where}: tỷ lệ phải có đơn vị %")


def _check_cycles(rows: dict[str, Row]) -> None:
    """Formulas may use other computed ratios; a loop would never settle."""
    graph = {code: formulas.references(row.formula) for code, row in rows.items() if row.formula}
    state: dict[str, int] = {}

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            loop = " → ".join([*path[path.index(code) :], code])
            raise ValueError(f"Dòng {code}: công thức vòng tròn: {loop}")
        state[code] = 1
        for ref in graph.get(code, ()):
            visit(ref, [*path, code])
        state[code] = 2

    for code in graph:
        visit(code, [])


def load_file(path: Path) -> Template:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TemplateError(f"{path.name}: không đọc được tệp: {exc}") from exc
    try:
        return Template.model_validate(data)
    except ValidationError as exc:
        raise TemplateError(f"{path.name}: {_describe(exc, data)}") from exc


def _describe(exc: ValidationError, data: object) -> str:
    """Turn pydantic's locations into the row the admin will look for in the file."""
    lines = []
    for err in exc.errors():
        loc = err["loc"]
        where = _locate(data, loc)
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"{where}{msg}")
    return "; ".join(lines)


def _locate(data: object, loc: tuple[int | str, ...]) -> str:
    try:
        if len(loc) >= 4 and loc[0] == "sections" and loc[2] == "rows":
            section = data["sections"][loc[1]]  # type: ignore[index]
            row = section["rows"][loc[3]]
            field = f" trường {loc[4]}" if len(loc) > 4 else ""
            return f"Dòng {section.get('code')}.{row.get('stt')}{field}: "
        if len(loc) >= 2 and loc[0] == "sections":
            return f"Mục {data['sections'][loc[1]].get('code')}: "  # type: ignore[index]
    except (KeyError, IndexError, TypeError, AttributeError):
        pass
    return f"{'.'.join(map(str, loc))}: " if loc else ""


@cache
def load(template_id: str) -> Template:
    """A shipped template by id ('xa', 'huyen')."""
    path = TEMPLATES_DIR / f"{template_id}.yaml"
    if not path.exists():
        raise TemplateError(f"Không có biểu mẫu '{template_id}'. Có: {', '.join(available())}")
    return load_file(path)


def to_json(template: Template) -> str:
    """The template as canonical JSON: equal templates give equal text, so a digest of it
    tells whether an import or an edited file is a new version."""
    data = template.model_dump(mode="json", exclude_defaults=True)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def to_yaml(template: Template, comment: str = "") -> str:
    """The template as a file a person reviews and edits, in the shipped files' key order."""
    data = template.model_dump(mode="json", exclude_defaults=True)
    head = "".join(f"# {line}\n" for line in comment.splitlines())
    return head + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def from_json(text: str) -> Template:
    """A stored version back as a Template, validated like a file."""
    try:
        return Template.model_validate(json.loads(text))
    except (ValueError, ValidationError) as exc:
        raise TemplateError(f"biểu mẫu lưu trong cơ sở dữ liệu không hợp lệ: {exc}") from exc


def digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def available() -> list[str]:
    return sorted(p.stem for p in TEMPLATES_DIR.glob("*.yaml"))
