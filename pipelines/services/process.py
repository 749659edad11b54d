"""Waiting for a background service process to end (shared by Trino and the audit receiver)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def wait_gone(pid: int, timeout: float, poll: float = 0.5) -> bool:
    """True once ``pid`` has exited (reaped if it is our child, or a zombie) within ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # reap it if it is our child, so it does not linger as a zombie
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        except ChildProcessError:
            pass
        if is_zombie(pid):
            return True
        time.sleep(poll)
    return False


def is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except (OSError, IndexError):
        return True
