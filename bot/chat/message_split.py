"""Cutting a long reply into messages a chat app accepts (Telegram 4,096, Zalo 2,000).

Lengths are counted in UTF-16 code units, as Telegram counts them; for Zalo, whose counting is
not documented, that is the cautious choice (an emoji counts two, Vietnamese letters one).
"""

from __future__ import annotations


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int) -> list[str]:
    """Cut at line breaks where possible (a review splits between sections, not mid-line)."""
    if utf16_len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if utf16_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        while utf16_len(line) > limit:
            head = _prefix_within(line, limit)
            chunks.append(head)
            line = line[len(head) :]
        current = line
    if current or not chunks:
        chunks.append(current)
    return chunks


def _prefix_within(line: str, limit: int) -> str:
    """The longest prefix within the limit, not splitting a surrogate pair (emoji)."""
    size = 0
    for index, ch in enumerate(line):
        size += 2 if ord(ch) > 0xFFFF else 1
        if size > limit:
            return line[:index]
    return line
