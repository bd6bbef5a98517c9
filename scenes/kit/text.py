"""Text pieces every beat uses: labels, formulas, paragraphs, tables, the beat heading.

Sizes never fall below the theme's legibility floor (SMALL_SIZE): a label asks
for at least it, and fit_width refuses to shrink text past it.
"""

from __future__ import annotations

from collections.abc import Sequence

from manim import DOWN, LEFT, RIGHT, UP, MathTex, Text, VGroup, VMobject

from scenes.kit import theme

# A readout that changes as trials land (a counter, the best so far, a step's numbers): its numbers
# are read as they run, not held; the legibility harness does not ask them to stay 2.5 s.
RUNNING = "running"


def label(text: str, size: int = theme.SMALL_SIZE, color=theme.TEXT, **kwargs) -> Text:
    return Text(text, font_size=max(size, theme.SMALL_SIZE), color=color, **kwargs)


def math_label(tex: str, size: int = theme.SMALL_SIZE, color=theme.TEXT, **kwargs) -> MathTex:
    return MathTex(tex, font_size=max(size, theme.SMALL_SIZE), color=color, **kwargs)


class Table(VGroup):
    """The cells of a table(), all its own members; `rows` groups them again by row."""

    def __init__(self, *cells: VMobject) -> None:
        super().__init__(*cells)
        self.rows: list[VGroup] = []


def table(
    rows: Sequence[Sequence[VMobject]], col_alignments: str | None = None, h_buff: float = 0.45, v_buff: float = 0.22
) -> Table:
    """Mobjects (Text / MathTex cells) in a grid; each column aligned as given ('l', 'c', 'r')."""
    n_cols = len(rows[0])
    cells = Table(*[cell for row in rows for cell in row])
    cells.arrange_in_grid(
        rows=len(rows), cols=n_cols, buff=(h_buff, v_buff), col_alignments=col_alignments or "l" * n_cols
    )
    cells.rows = [VGroup(*cells[i * n_cols : (i + 1) * n_cols]) for i in range(len(rows))]
    return cells


def fit_width(mobject, max_width: float, font_size: float, floor: float = theme.SMALL_SIZE):
    """Shrink to max_width, but never below the legibility floor (raises instead)."""
    if mobject.width > max_width:
        factor = max_width / mobject.width
        if font_size * factor < floor - 1e-6:
            raise ValueError(f"text would shrink to font size {font_size * factor:.1f} < {floor}")
        mobject.scale(factor)
    return mobject


def wrap_math(chunks: list[str], max_width: float, font_size: float, color=theme.TEXT, indent: float = 0.6) -> VGroup:
    """Lines of MathTex built from formula chunks, broken between chunks to fit max_width.

    Continuation lines are indented; the group is left-aligned.
    """
    lines: list[list[str]] = []
    current: list[str] = []
    for chunk in chunks:
        trial = current + [chunk]
        width = MathTex(" ".join(trial), font_size=font_size).width + (indent if lines else 0)
        if current and width > max_width:
            lines.append(current)
            current = [chunk]
        else:
            current = trial
    lines.append(current)
    group = VGroup(*[MathTex(" ".join(line), font_size=font_size, color=color) for line in lines])
    group.arrange(DOWN, aligned_edge=LEFT, buff=0.25)
    for line in group[1:]:
        line.shift(indent * RIGHT)
    for line in group:
        fit_width(line, max_width, font_size)
    return group


_ADVANCE: dict[tuple[str, int], float] = {}


def _measure_advances(chars: set[str], size: int) -> None:
    """Horizontal advance of each character at a font size, from ONE text "xx" + "c1x" + "c2x" + ...

    Between the left edges of the x's on either side of c lie the advances of
    x and c (kerning included), and "xx" gives x's own. One text instead of one
    per character: building text costs per glyph and per call.
    """
    others = sorted(chars - {"x"})
    probe = "xx" + "".join(f"{c}x" for c in others)
    inked = probe.replace(" ", "")  # a space draws no glyph
    glyphs = label(probe, size)
    if len(glyphs) != len(inked):  # a character drew no glyph or several: measure one by one
        x_width = label("xx", size).width
        for c in chars:
            _ADVANCE[(c, size)] = label(f"x{c}x", size).width - x_width
        return
    x_lefts = [glyph.get_left()[0] for glyph, char in zip(glyphs, inked, strict=True) if char == "x"]
    _ADVANCE[("x", size)] = x_lefts[1] - x_lefts[0]
    for c, left, right in zip(others, x_lefts[1:-1], x_lefts[2:], strict=True):
        _ADVANCE[(c, size)] = right - left - _ADVANCE[("x", size)]


def estimated_width(text: str, size: int) -> float:
    """About the width label(text, size) will have, without building it (building costs per glyph)."""
    missing = {c for c in text if (c, size) not in _ADVANCE}
    if missing:
        _measure_advances(missing, size)
    return sum(_ADVANCE[(c, size)] for c in text)


def paragraph(
    text: str, max_width: float, size: int = theme.BODY_SIZE, color=theme.TEXT, line_buff: float = 0.14
) -> VGroup:
    """Plain text broken between words into left-aligned lines no wider than max_width.

    Breaks are chosen from measured character advances; each line is then
    built once and, should it still be too wide, its last word moves down.
    """
    words, lines = text.split(), []
    while words:
        n = 1
        while n < len(words) and estimated_width(" ".join(words[: n + 1]), size) <= max_width:
            n += 1
        line = label(" ".join(words[:n]), size, color)
        while line.width > max_width and n > 1:
            n -= 1
            line = label(" ".join(words[:n]), size, color)
        fit_width(line, max_width, size)  # a single over-long word
        lines.append(line)
        words = words[n:]
    return VGroup(*lines).arrange(DOWN, aligned_edge=LEFT, buff=line_buff)


def beat_title(number: int, title: str, subtitle: str = "") -> VGroup:
    """The beat's heading, top left of the frame."""
    heading = Text(f"{number}  {title}", font_size=theme.HEADING_SIZE, color=theme.TEXT, weight="BOLD")
    group = VGroup(heading)
    if subtitle:
        group.add(
            Text(subtitle, font_size=theme.SMALL_SIZE, color=theme.MUTED).next_to(
                heading, DOWN, aligned_edge=LEFT, buff=0.15
            )
        )
    return group.to_corner(UP + LEFT, buff=0.4)


def named_value(name: str, value: str, color, size: int = theme.LABEL_SIZE) -> VGroup:
    """A name and its value on one line, the value bold: 'deep well  −2.208'."""
    return VGroup(
        Text(name, font_size=size, color=color), Text(value, font_size=size, color=color, weight="BOLD")
    ).arrange(RIGHT, buff=0.2)
