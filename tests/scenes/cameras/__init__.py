"""Tests of scenes/cameras/: the same pixels as manim's own drawing."""
