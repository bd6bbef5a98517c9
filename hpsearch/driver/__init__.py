"""The render driver behind ./render.sh: the video, its benchmark and the README's stills, as one command
line (`python -m hpsearch.driver render|bench|stills`). Nothing outside this folder imports it, so editing
it re-renders no beat (driver/keys.py)."""
