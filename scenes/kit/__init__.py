"""The drawing kit the beats are built from: palette and type scale, text, marks, fades, plots."""
