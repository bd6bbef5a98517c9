"""What the driver shows while beats render: on a terminal, one live line per beat (frames written, of
about how many its last render had, and speech clips synthesised) and the whole video's time left;
elsewhere, a line as each beat starts rendering and one when it is done."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from hpsearch.files import write_atomic
from hpsearch.formatting import plural

if TYPE_CHECKING:
    from hpsearch.beats import Beat
    from hpsearch.driver.renders import Cost, Renders


class BeatProgress:
    """Live progress of the beats `renders` is rendering; `expected` holds their last frame counts."""

    def __init__(self, beats: list[Beat], renders: Renders, counts_file: Path, quiet: bool):
        self.beats, self.renders, self.counts_file, self.quiet = beats, renders, counts_file, quiet
        self.expected: dict[str, int] = _read_counts(counts_file)
        self.live = not quiet and sys.stderr.isatty()
        self.progress = Progress(
            TextColumn("  {task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("frames"),
            TextColumn("{task.fields[speech]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.tasks: dict[str, TaskID] = {}
        self.whole: TaskID | None = None
        self.said: set[str] = set()  # the beats said to have started, off a terminal

    def __enter__(self) -> BeatProgress:
        if self.live:
            known = all(b.scene in self.expected for b in self.beats)
            total = sum(self.expected[b.scene] for b in self.beats) if known else None
            label = "whole video" if known else "whole video (no estimate yet)"
            self.whole = self.progress.add_task(label, total=total, speech="")
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live:
            self.progress.stop()

    def refresh(self) -> None:
        """Frames written so far, read from the beat processes; off a terminal, the beats that started."""
        started = list(self.renders.frames.items())  # one step: the pool's threads add to it
        if not self.live:
            for scene in [s for s, _ in started if s not in self.said and not self.quiet]:
                self.said.add(scene)
                print(f"  {scene:<13} rendering", file=sys.stderr)
            return
        for scene, frames in started:
            if scene not in self.tasks:
                self.tasks[scene] = self.progress.add_task(scene, total=self.expected.get(scene), speech="")
            clips = self.renders.clips[scene].value
            speech = f"{clips} clip{'s' if clips != 1 else ''} spoken" if clips else ""
            self.progress.update(self.tasks[scene], completed=frames.value, speech=speech)
        assert self.whole is not None
        self.progress.update(self.whole, completed=sum(f.value for _, f in started))

    def finished(self, beat: Beat, cost: Cost | None) -> None:
        """One line for a beat that is done, above the live lines."""
        if self.quiet:
            return
        if cost is None:
            line = f"  {beat.scene:<13} reused (nothing it depends on changed)"
        else:
            line = f"  {beat.scene:<13} {cost.seconds:6.1f} s  {cost.peak_mb:5.0f} MB peak"
            if cost.clips:
                line += f", {plural(cost.clips, 'speech clip')} synthesised"
        if self.live:
            self.progress.console.print(line, highlight=False)
            if beat.scene in self.tasks:
                self.progress.remove_task(self.tasks.pop(beat.scene))
        else:
            print(line, file=sys.stderr)

    def save(self) -> None:
        """The frame counts of this render's beats, the next render's estimate."""
        counts = dict(self.expected, **{scene: f.value for scene, f in self.renders.frames.items()})
        write_atomic(self.counts_file, json.dumps(counts, indent=1, sort_keys=True))


def _read_counts(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text())
        return {str(k): int(v) for k, v in data.items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}
