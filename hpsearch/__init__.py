"""The video's machinery above objective.py and samplers.py, and below the scenes.

Plain Python, no Manim: the configuration (settings), the trial data cached and
spread over the cores (trials, cache, plain, processes), the statistics and
counter-cases the beats state (stats, cases), one record per beat (findings),
how it is worded (story, formatting, pacing), TPE's internals (tpe/) and
visibility. The render driver, which runs manim, stands apart in driver/.
"""
