"""Child processes that end with the program that started them (Linux)."""

from __future__ import annotations

import ctypes
import signal

_PR_SET_PDEATHSIG = 1


def die_with_parent(sig: signal.Signals = signal.SIGTERM) -> None:
    """Ask the kernel to send `sig` to this process when its parent ends, even by SIGKILL.

    A no-op where prctl is missing; the process then outlives a killed parent as before.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(sig))
    except (OSError, AttributeError):
        pass


def ignore_interrupts() -> None:
    """For pool workers: Ctrl-C is the parent's to handle (it then stops the pool), not a traceback each;
    SIGTERM (how the pool stops them) ends them quietly, whatever handler the parent had."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()
