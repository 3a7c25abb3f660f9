"""A real terminal for the benchmarks: the `contested` command in tmux, timed from outside.

What a person sees is what tmux has drawn; so the wall-clock figures (launch to first
screen, key to repaint) are taken by polling `tmux capture-pane` every few milliseconds.
Each poll costs a few milliseconds itself, so these are upper bounds.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
import uuid
from pathlib import Path
from types import TracebackType

POLL = 0.003


class Tmux:
    """One tmux server (its own socket) running `command` in an 80x24 window."""

    def __init__(self, command: str, size: tuple[int, int] = (80, 24)) -> None:
        self.socket = f"bench-{uuid.uuid4().hex[:8]}"
        env = {k: v for k, v in os.environ.items() if k not in ("COLORTERM", "NO_COLOR")}
        env["TERM"] = "xterm-256color"
        self.started = time.perf_counter()
        self._pid = ""
        subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", "new-session", "-d",
                        "-s", "m", "-x", str(size[0]), "-y", str(size[1]), command],
                       check=True, env=env)

    def __enter__(self) -> Tmux:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True,
                       check=False)

    def screen(self, styles: bool = False) -> str:
        """The text on screen; with `styles`, with its colours and attributes (a moved
        cursor changes only those)."""
        return subprocess.run(["tmux", "-L", self.socket, "capture-pane", "-p", "-t", "m",
                               *(["-e"] if styles else [])],
                              capture_output=True, text=True, check=False).stdout

    def wait_for(self, needle: str | None, timeout: float = 60.0, *,
                 gone: str | None = None) -> float:
        """Seconds since the start until `needle` is on screen (None: anything at all)
        and `gone`, if given, is not."""
        while time.perf_counter() - self.started < timeout:
            screen = self.screen()
            if (((needle in screen) if needle is not None else screen.strip())
                    and (gone is None or gone not in screen)):
                return time.perf_counter() - self.started
            time.sleep(POLL)
        raise RuntimeError(f"{needle!r} did not appear within {timeout} s:\n{self.screen()}")

    def send(self, key: str) -> None:
        subprocess.run(["tmux", "-L", self.socket, "send-keys", "-t", "m", key], check=True)

    def key_to_repaint(self, key: str, timeout: float = 10.0, quiet: float = 0.03) -> float:
        """Seconds from sending `key` until the screen has changed and then stayed the
        same for `quiet` seconds (tmux may show a frame half drawn: the time of the last
        change is taken, and the next key starts from the finished screen)."""
        before = self.screen(styles=True)
        start = time.perf_counter()
        self.send(key)
        last, changed = before, None
        while time.perf_counter() - start < timeout:
            now = self.screen(styles=True)
            moment = time.perf_counter()
            if now != last:
                last, changed = now, moment
            elif changed is not None and moment - changed >= quiet:
                return changed - start
            time.sleep(POLL)
        raise RuntimeError(f"the screen did not settle within {timeout} s after {key!r}")

    def pid(self) -> str:
        """The process id of the program in the window."""
        if not self._pid:
            self._pid = subprocess.run(["tmux", "-L", self.socket, "display", "-p", "-t", "m",
                                        "#{pane_pid}"], capture_output=True, text=True,
                                       check=False).stdout.strip()
        return self._pid

    def cpu(self) -> float | None:
        """CPU seconds the program in the window has used so far, all its live threads
        (Linux schedstat, in nanoseconds: a key's share can be told apart)."""
        total = 0
        try:
            for task in Path(f"/proc/{self.pid()}/task").iterdir():
                with contextlib.suppress(OSError):  # a thread that just ended
                    total += int((task / "schedstat").read_text().split()[0])
        except OSError:
            return None
        return total / 1e9

    def idle(self, share: float = 0.05, window: float = 0.5, timeout: float = 120.0) -> None:
        """Until the program uses less than `share` of a core over `window` seconds (its
        work in the background, such as the search index, is done)."""
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            before = self.cpu()
            time.sleep(window)
            after = self.cpu()
            if before is None or after is None or after - before < share * window:
                return

    def peak_rss(self) -> int | None:
        """The peak resident set (bytes) of the program in the window, so far (Linux)."""
        pid = self.pid()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        return None

    def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Until the screen has not changed for `quiet` seconds."""
        last, since, start = self.screen(True), time.perf_counter(), time.perf_counter()
        while time.perf_counter() - start < timeout:
            time.sleep(0.02)
            now = self.screen(True)
            if now != last:
                last, since = now, time.perf_counter()
            elif time.perf_counter() - since >= quiet:
                return


def per_key(terminal: Tmux, keys: list[str]) -> tuple[list[float], list[float]]:
    """Each of `keys` pressed from the settled screen: the wall time of each to its
    settled repaint, and the CPU all the program's threads used for it (schedstat). A
    key with no repaint seen within 2 s (the cursor at the end of a list) is left out
    of both."""
    wall, cpu = [], []
    for key in keys:
        before = terminal.cpu()
        try:
            wall.append(terminal.key_to_repaint(key, timeout=2.0))
        except RuntimeError:
            continue
        after = terminal.cpu()
        if before is not None and after is not None:
            cpu.append(after - before)
    return wall, cpu
