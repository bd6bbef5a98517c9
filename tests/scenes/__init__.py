"""Tests of scenes/: every beat rendered, its text measured, its last frame compared."""
