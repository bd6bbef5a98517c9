"""Inside Optuna's TPESampler: recorded (recorder), as plain data (records), chosen for the screen (moments)."""
