"""Independent transcriptions of the published formulas, shared by the tests.

Written from the papers and the seed video's README, not from objective.py,
so a test that compares the project's code with these can fail.
"""

import math

import numpy as np


def my_map(lr, decay):
    """(lr, decay) -> internal (x, y): affine in log10(lr) and in decay, onto [-5, 5]^2."""
    return 5.0 * np.log10(lr) + 25.0, 25.0 * np.asarray(decay, float) - 20.0


def wells_ref(x, y):
    """The seed video's landscape as rendered: widths inside the exponent."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    return (
        1.0
        - (
            10.0 * np.exp(-((x + 2) ** 2 + (y + 2) ** 2) / 1.0)
            + 14.5 * np.exp(-(x**2 + (y - 3) ** 2) / 2.0)
            + 5.0 * np.exp(-((x - 3) ** 2 + (y + 1) ** 2) / 1.5)
        )
        / 4.5
    )


def branin_uv(u, v):
    """The published Branin-Hoo function on its own (u, v) domain (Dixon & Szego 1978)."""
    a, b, c, r, s, t = 1.0, 5.1 / (4 * math.pi**2), 5 / math.pi, 6.0, 10.0, 1 / (8 * math.pi)
    return a * (v - b * u**2 + c * u - r) ** 2 + s * (1 - t) * np.cos(u) + s


def branin_ref(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    return branin_uv(1.5 * x + 2.5, 1.5 * y + 7.5)


def lr_valley_ref(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    return 1.0 - 2.0 * np.exp(-2.0 * (x - 1.9) ** 2) + (y - 1) ** 2 / 250.0


REFERENCES = {"wells": wells_ref, "branin": branin_ref, "lr_valley": lr_valley_ref}


def reference_objective(name: str):
    """The function an Optuna study minimises, written here: lr log-uniform in [1e-6, 1e-4],
    decay uniform in [0.6, 1.0], the loss from the transcriptions above through my_map."""
    ref = REFERENCES[name]

    def evaluate(trial):
        lr = trial.suggest_float("lr", 1e-6, 1e-4, log=True)
        decay = trial.suggest_float("decay", 0.6, 1.0)
        return float(ref(*my_map(lr, decay)))

    return evaluate
