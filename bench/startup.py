"""Launch to first screen: how long `contested` takes to show the bundled catalog.

Run: `python bench/startup.py [--repeat 7]`

Each run starts the real command in a fresh tmux terminal (80x24) and polls the screen
every 3 ms until the first event of the bundled catalog is drawn; the figure is the wall
time from starting the process to that screen. For scale, the same is measured for a bare
`python -c pass` and for a minimal Textual app that draws one line (the floor any Textual
app pays here). contested paints a loading screen first and loads the catalog (and
imports pydantic and PyYAML) in a worker, so two figures: first paint, and the bundled
catalog's events on screen. Target: at most 0.4 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import load
from terminal import Tmux

BIN = Path(sys.executable).parent
MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static
class Hello(App):
    def compose(self):
        yield Static("hello, first screen")
Hello().run()
"""


def time_to_screen(command: str, needle: str | None, timeout: float = 20.0) -> float:
    """Seconds from starting `command` in a new tmux terminal to `needle` on screen
    (`None`: to anything at all on screen, the first paint)."""
    with Tmux(command) as terminal:
        return terminal.wait_for(needle, timeout)


def time_process(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - start


def report(name: str, samples: list[float]) -> None:
    print(f"  {name:<44} min {min(samples):.3f} s   median {statistics.median(samples):.3f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is needed for this benchmark", file=sys.stderr)
        return 2
    print("\n".join(load.machine()))
    with tempfile.TemporaryDirectory() as folder:
        minimal = Path(folder) / "minimal.py"
        minimal.write_text(MINIMAL_APP)
        python = [time_process([sys.executable, "-c", "pass"]) for _ in range(args.repeat)]
        floor = [time_to_screen(f"{sys.executable} {minimal}", "hello, first screen")
                 for _ in range(args.repeat)]
        first_paint = [time_to_screen(str(BIN / "contested"), None)
                       for _ in range(args.repeat)]
        contested = [time_to_screen(str(BIN / "contested"), "Ukraine launches")
                     for _ in range(args.repeat)]
    print(f"launch to first screen, {args.repeat} runs each (tmux 80x24, polled every 3 ms):")
    report("python -c pass", python)
    report("minimal Textual app (the floor)", floor)
    report("contested: first paint (loading screen)", first_paint)
    report("contested: bundled catalog's events drawn", contested)
    for name, samples in (("first paint", first_paint), ("events drawn", contested)):
        median = statistics.median(samples)
        verdict = "met" if median <= 0.4 else "NOT met"
        print(f"target 0.4 s, {name}: {verdict} (median {median:.3f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
