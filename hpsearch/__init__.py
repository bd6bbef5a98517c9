"""The video's machinery beside objective.py and samplers.py: configuration, findings, TPE internals,
visibility and number formatting (plain Python, no Manim), and the render driver (beats, renders,
output, render, bench), which runs manim."""
