# manim -pqh scenes/tpe_search.py TPESearch
"""Beat 5: TPE's random start-up trials, then the model-guided trials gathering in the deep well."""

from manim import DOWN, LEFT, UP, Create, Text, ValueTracker, VGroup

from hpsearch import findings, story
from hpsearch.formatting import format_loss, plural, signed, trial_range
from scenes.base import SurfaceBeat
from scenes.kit import theme
from scenes.kit.fade import Fade
from scenes.kit.readout import RunReadout
from scenes.kit.staging import PANEL_MIDDLE_LEFT, PANEL_TOP_LEFT, drop_trials
from scenes.kit.text import named_value


class TPESearch(SurfaceBeat):
    seconds_per_startup_trial = 0.2
    seconds_per_guided_trial = 0.35
    hold = 3.5

    def construct(self):
        data, plot = findings.tpe_search(self.settings), self.plot
        run = data.run
        color = self.palette.samplers["tpe"]
        n_startup, n_guided = len(data.startup), len(data.guided)

        title = self.title(
            f"Bayesian optimisation: Optuna's TPESampler, seed {data.seed}, {plural(len(run.trials), 'run')}"
        )
        tracker = ValueTracker(0)
        readout = RunReadout(run, tracker, color, camera=self.camera).anchor_at(PANEL_TOP_LEFT)
        phase_startup = Text(
            f"{trial_range(1, n_startup)}: random start-up", font_size=theme.LABEL_SIZE, color=theme.MUTED
        )
        phase_guided = Text(
            f"{trial_range(n_startup + 1, len(run.trials))}: model-guided", font_size=theme.LABEL_SIZE, color=color
        )
        for phase in (phase_startup, phase_guided):
            phase.move_to(PANEL_MIDDLE_LEFT, aligned_edge=UP + LEFT)
        self.add_fixed_in_frame_mobjects(title, readout, phase_startup)
        self.pin(phase_guided)

        # Startup: TPE knows nothing yet, so it samples like random search.
        self.say(story.startup_like_random(n_startup, data.startup_same_as_random))
        drop_trials(self, plot, data.startup, color, self.seconds_per_startup_trial, tracker, hollow=True)
        self.wait_to_read()

        # Guided: each next trial maximises l(x)/g(x) over candidates drawn from l(x).
        if n_guided:
            self.say(
                "Then it splits the trials into good and bad, models each, "
                "and tries where good is likely and bad is not."
            )
            self.play(Fade(phase_startup, out=True), Fade(phase_guided), run_time=0.5)
            drop_trials(self, plot, data.guided, color, self.seconds_per_guided_trial, tracker)
            self.wait_to_read()

        # Where they went
        deepest = data.deepest
        best = run.best_trial
        highlight = self.palette.highlight
        star = plot.minimum_marker(deepest, highlight)
        ring = plot.ring(best, color)
        gap = best.value - deepest.value
        summary = (
            VGroup(
                named_value("deep well", format_loss(deepest.value), highlight),
                Text(f"TPE's best is {signed(gap, 3)} above it", font_size=theme.LABEL_SIZE, color=color),
                Text(f"(found at trial {best.number + 1})", font_size=theme.SMALL_SIZE, color=theme.MUTED),
            )
            .arrange(DOWN, aligned_edge=LEFT, buff=0.15)
            .next_to(phase_guided, DOWN, aligned_edge=LEFT, buff=0.35)
        )
        self.pin(summary)
        self.say(
            f"Its best, {format_loss(best.value)} at trial {best.number + 1}, is within "
            f"{signed(gap, 3)} of the deep well's floor."
        )
        self.play(Fade(star), Create(ring), Fade(summary), run_time=1.0)
        self.wait_to_read(at_least=self.hold)
