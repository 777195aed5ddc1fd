"""How replies read in chats that have no buttons (the console, and Zalo's text-only bot API).

Options with a key become lines the user answers by typing the key ("0 = Chưa có", "1. Xác nhận
nộp"); options without one (Bỏ qua, Quay lại…) are listed as words to type, so a bare number
typed as an answer is never mistaken for a menu pick.
"""

from __future__ import annotations

from flows import texts
from flows.engine import Reply


def render(reply: Reply) -> str:
    lines = [reply.text]
    keyed = [o for o in reply.options if o.key is not None]
    typed = [o.label for o in reply.options if o.key is None]
    for option in keyed:
        label = option.label
        lines.append(
            f"  {label}" if label.startswith(f"{option.key} =") else f"  {option.key}. {label}"
        )
    if typed:
        lines.append(texts.typed_options(typed, alternative=reply.asks or bool(keyed)))
    return "\n".join(lines)
