"""The video's machinery beside objective.py and samplers.py.

Plain Python, no Manim: configuration (settings), the facts the beats state
(findings) and how they are worded (story, formatting), TPE's internals (tpe/),
visibility, the cache serialiser (plain) and child-process helpers (processes).
The render driver, which runs manim: beats, renders, progress, output, render,
stills and bench.
"""
