"""Tests of scenes/kit/: the drawing pieces."""
