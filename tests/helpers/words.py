"""Words and numbers on screen while a beat plays: how many words a viewer reads at once, and how long
each number stays up (the legibility checks' pacing rules)."""

from __future__ import annotations

import re

from tests.helpers.text_geometry import TextBox, collect_texts, is_visible, text_string, text_types

REFERENCES = "references"  # a mobject of this name is the closing references card, exempt from the word limit


def words(kind: str, string: str) -> int:
    """Words a viewer reads in one text: tokens with a letter; a formula counts as one, plus any \\text{} in it."""
    if kind in ("Text", "MarkupText"):
        return sum(1 for token in string.split() if any(ch.isalpha() for ch in token))
    if kind == "DecimalNumber" or kind == "Integer":
        return 0
    in_text = " ".join(re.findall(r"\\text\{([^}]*)\}", string))
    rest = re.sub(r"\\text\{[^}]*\}|\\[a-zA-Z]+", " ", string)
    return sum(1 for token in in_text.split() if any(ch.isalpha() for ch in token)) + bool(re.search("[a-zA-Z]", rest))


def visible_texts(scene, skip: tuple[str, ...] = (REFERENCES,)) -> list:
    """Every text mobject drawn now, outside groups named in `skip`."""
    kinds = text_types()
    found: list = []

    def visit(mob):
        if mob.name in skip:
            return
        if isinstance(mob, kinds):
            if any(is_visible(m) for m in mob.family_members_with_points()):
                found.append(mob)
            return
        for sub in mob.submobjects:
            visit(sub)

    for mob in [*scene.mobjects, *scene.foreground_mobjects]:
        visit(mob)
    return found


def texts_on_screen(scene) -> list[tuple[str, str]]:
    """(kind, string) of every text drawn now, but the references card."""
    return [(type(mob).__name__, text_string(mob)) for mob in visible_texts(scene)]


def numbers_on_screen(scene) -> set[tuple[int, str]]:
    """(id, string) of every visible text holding a digit, but running readouts (named RUNNING) and the references."""
    from scenes.kit.text import RUNNING

    shown = ((id(mob), text_string(mob)) for mob in visible_texts(scene, (REFERENCES, RUNNING)))
    return {(ident, string) for ident, string in shown if any(ch.isdigit() for ch in string)}


def counting_words(scene_class: type) -> type:
    """The beat, noting after every play() (wait() is one too) the texts on screen when they held the most words,
    for how long each number was on screen (at least from the end of the play() that showed it to the start
    of the play() that took it away), and every text's box: a turning camera can carry a label into a panel
    mid-beat, long before the last frame."""

    class Counting(scene_class):  # type: ignore[misc, valid-type]
        densest: tuple[int, list[tuple[str, str]]] = (0, [])

        def setup(self):
            super().setup()
            self.number_since: dict[tuple[int, str], float] = {}
            self.number_spans: list[tuple[str, float]] = []
            self.moments: list[tuple[float, list[TextBox]]] = []

        def play(self, *args, **kwargs):
            started = self.time
            super().play(*args, **kwargs)
            self.moments.append((self.time, collect_texts(self, scene_class.__name__)))
            shown = texts_on_screen(self)
            count = sum(words(kind, string) for kind, string in shown)
            if count > self.densest[0]:
                self.densest = (count, shown)
            numbers = numbers_on_screen(self)
            for key in [k for k in self.number_since if k not in numbers]:
                self.number_spans.append((key[1], started - self.number_since.pop(key)))
            for key in numbers:
                self.number_since.setdefault(key, self.time)

        def tear_down(self):
            super().tear_down()
            self.number_spans.extend((key[1], self.time - since) for key, since in self.number_since.items())

    Counting.__name__ = Counting.__qualname__ = scene_class.__name__
    return Counting
