"""Cairo cameras that replace manim's drawing paths where they cost the most, drawing the same pixels."""
