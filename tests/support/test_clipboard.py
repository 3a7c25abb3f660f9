"""Copying inside tmux, against a real tmux server: the text reaches tmux's buffer, and
the message says where it went."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from contested.support.clipboard import tmux_copy

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A tmux server of the test's own, which `tmux` reaches as it would from inside a
    session of it (through $TMUX)."""
    name = f"contested-clip-{uuid.uuid4().hex[:8]}"
    subprocess.run(["tmux", "-L", name, "-f", "/dev/null", "new-session", "-d", "-s", "m"],
                   check=True, timeout=20)
    socket = subprocess.run(["tmux", "-L", name, "display-message", "-p", "#{socket_path}"],
                            capture_output=True, text=True, check=True,
                            timeout=20).stdout.strip()
    monkeypatch.setenv("TMUX", f"{socket},{os.getpid()},0")
    try:
        yield name
    finally:
        subprocess.run(["tmux", "-L", name, "kill-server"], capture_output=True, check=False,
                       timeout=20)


def buffer(name: str) -> str:
    return subprocess.run(["tmux", "-L", name, "show-buffer"], capture_output=True,
                          text=True, check=True, timeout=20).stdout


def test_the_text_reaches_tmux_s_buffer(server: str) -> None:
    took, said = tmux_copy("Zombie: rout\nline two ␛")
    assert took
    assert buffer(server) == "Zombie: rout\nline two ␛"
    assert "terminal's clipboard" in said


def test_with_set_clipboard_off_it_says_how_to_reach_the_terminal(server: str) -> None:
    subprocess.run(["tmux", "-L", server, "set", "-g", "set-clipboard", "off"], check=True,
                   timeout=20)
    took, said = tmux_copy("x")
    assert took
    assert buffer(server) == "x"
    assert "set-clipboard is off" in said
    assert "set -g set-clipboard" in said


def test_a_tmux_that_cannot_be_reached_is_said(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setenv("TMUX", f"{tmp_path / 'no-server'},1,0")
    took, said = tmux_copy("x")
    assert not took
    assert "set-clipboard on" in said
