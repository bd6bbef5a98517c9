"""What the scene tests share: rendering the beats, and measuring the text on screen."""
