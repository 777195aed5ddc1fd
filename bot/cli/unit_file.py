"""Reading the province's unit list from a CSV file, as Excel writes it on any Windows.

Excel on a Vietnamese Windows saves "CSV UTF-8" with a byte-order mark and separates fields with
";" (the list separator of Vietnamese regional settings, where "," is the decimal mark); other
setups give ",", and "Unicode Text" gives UTF-16 with tabs. All of these are read. A file in a
legacy 8-bit encoding (Windows-1258, TCVN3, VNI) is refused rather than guessed: those encodings
cannot be told apart from the bytes, and a wrong guess would store every commune's name garbled.
Every refusal names the line of the file, counted as a text editor counts them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from bot.cli.common import os_problem
from flows import safe_text
from storage.unit_order import UnitRow

COLUMNS = ("code", "name", "level", "parent_code")
DELIMITERS = (",", ";", "\t")
# Levels as an admin may type them in the spreadsheet, beside the stored codes.
LEVEL_WORDS = {"tỉnh": "tinh", "huyện": "huyen", "xã": "xa"}
WHAT = {"code": "mã đơn vị", "name": "tên đơn vị", "level": "cấp", "parent_code": "mã cấp trên"}
SAVE_AS_UTF8 = 'trong Excel chọn "Lưu thành" (Save As), kiểu "CSV UTF-8", rồi nhập lại tệp đó'


class UnitFileError(Exception):
    """The file cannot be read as a unit list; the message says why and where, in Vietnamese."""


@dataclass(frozen=True)
class UnitLine:
    line: int  # 1-based, the header being line 1
    row: UnitRow


def read(path: Path) -> list[UnitLine]:
    text = _decode(path, _read_bytes(path))
    lines = text.splitlines()
    header_line = next((n for n, line in enumerate(lines, 1) if line.strip()), None)
    if header_line is None:
        raise UnitFileError(f"Tệp {path.name} trống: cần dòng tiêu đề {','.join(COLUMNS)}.")
    delimiter, header = _header(path, lines[header_line - 1])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    found: list[UnitLine] = []
    for fields in reader:
        line = reader.line_num
        if line <= header_line or not any(field.strip() for field in fields):
            continue
        found.append(UnitLine(line, _row(line, header, fields, delimiter)))
    if not found:
        raise UnitFileError(f"Tệp {path.name} chỉ có dòng tiêu đề, chưa có đơn vị nào.")
    return found


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UnitFileError(f"Không tìm thấy tệp {path}.") from None
    except IsADirectoryError:
        raise UnitFileError(f"{path} là một thư mục, cần một tệp CSV.") from None
    except PermissionError:
        raise UnitFileError(f"Không có quyền đọc tệp {path}.") from None
    except OSError as exc:
        raise UnitFileError(f"Không đọc được tệp {path}: {os_problem(exc)}.") from None


def _decode(path: Path, data: bytes) -> str:
    encoding = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UnitFileError(
            f"Tệp {path.name} không phải UTF-8 (dòng {line} có ký tự không đọc được; có lẽ tệp "
            f"lưu theo bảng mã cũ như Windows-1258, TCVN3 hay VNI): {SAVE_AS_UTF8}."
        ) from None


def _header(path: Path, first: str) -> tuple[str, list[str]]:
    """The delimiter that makes the first line name every column, and the names in order."""
    best: tuple[str, list[str]] | None = None
    for delimiter in DELIMITERS:
        names = [_column(name) for name in next(csv.reader([first], delimiter=delimiter))]
        if set(COLUMNS) <= set(names):
            return delimiter, names
        if best is None or len(names) > len(best[1]):
            best = (delimiter, names)
    assert best is not None
    missing = [column for column in COLUMNS if column not in best[1]]
    raise UnitFileError(
        f"{path.name} thiếu cột: {', '.join(missing)}. Dòng 1 phải là tiêu đề "
        f"{','.join(COLUMNS)} (phân cách bằng dấu phẩy, chấm phẩy hoặc tab)."
    )


def _column(name: str) -> str:
    return safe_text.scrub(name).strip().lower()


def _row(line: int, header: list[str], fields: list[str], delimiter: str) -> UnitRow:
    extra = [field for field in fields[len(header) :] if field.strip()]
    if extra:
        shown = "tab" if delimiter == "\t" else f"'{delimiter}'"
        raise UnitFileError(
            f"Dòng {line}: có {len(fields)} cột, nhiều hơn {len(header)} cột của tiêu đề "
            f"(tên có dấu {shown}? hãy đặt tên trong ngoặc kép)."
        )
    values = dict(zip(header, fields, strict=False))
    code, name, level = (_cell(line, column, values.get(column, "")) for column in COLUMNS[:3])
    parent = values.get("parent_code", "")
    parent_code = _cell(line, "parent_code", parent) if parent.strip() else None
    return code, name, LEVEL_WORDS.get(level.lower(), level.lower()), parent_code


def _cell(line: int, column: str, value: str) -> str:
    """The cell as the chat would take it (NFC, invisible marks removed, one space between
    words: a line break inside a quoted name is the spreadsheet's wrapping), or why not."""
    what = WHAT[column]
    if not value.strip():
        raise UnitFileError(f"Dòng {line}: {what} để trống.")
    checked = safe_text.check(value)
    if isinstance(checked, safe_text.Refused):
        if checked.problem is safe_text.Problem.BLANK:
            raise UnitFileError(f"Dòng {line}: {what} chỉ có ký tự vô hình.")
        raise UnitFileError(
            f"Dòng {line}: {what} có ký tự điều khiển không in được ({checked.code_point}); "
            "hãy sửa trong tệp."
        )
    return " ".join(checked.text.split())
