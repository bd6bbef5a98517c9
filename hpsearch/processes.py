"""Child processes that end with the program that started them (Linux)."""

from __future__ import annotations

import ctypes
import os
import select
import signal
import threading

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


def end_group_with(pid: int) -> None:
    """When process `pid` ends, even by SIGKILL, kill this process's whole group (it leads one).

    For a process that is not `pid`'s child: a beat forked by multiprocessing's fork server,
    whose parent (the server) lives on while any process it forked does. A pidfd becomes
    readable when its process ends; a daemon thread waits for that.
    """
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:  # gone already
        os.killpg(0, signal.SIGKILL)
        return

    def watch() -> None:
        select.select([pidfd], [], [])
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, name=f"end-with-{pid}", daemon=True).start()


def ignore_interrupts() -> None:
    """For pool workers: Ctrl-C is the parent's to handle (it then stops the pool), not a traceback each;
    SIGTERM (how the pool stops them) ends them quietly, whatever handler the parent had."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent()
