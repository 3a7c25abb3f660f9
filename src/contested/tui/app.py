"""The explorer app: loads the catalog in a worker, then shows it (or its errors)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from contested.tui.keymap import default_keymap_path, load_keymap
from contested.tui.safe import notify
from contested.tui.screens.help import HelpScreen
from contested.tui.screens.loading import LoadingScreen

if TYPE_CHECKING:
    from contested.analysis import Analysis
    from contested.loading import LoadResult
    from contested.tui.screens.main import MainScreen

# The core (pydantic, PyYAML) and the main screen are imported in the loading worker,
# while the first screen paints: that is a third of the start-up time.


class ContestedApp(App[int]):
    """`contested [PATHS…]`: the catalog's events, claims, sources, contradictions and
    figures, one key away."""

    TITLE = "contested"
    CSS_PATH = "contested.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark,f1", "help", "Help", id="help"),
    ]

    def __init__(self, paths: Sequence[str | Path] = (), *,
                 keymap_path: Path | None = None) -> None:
        super().__init__()
        self.paths = list(paths)
        self.keymap_path = keymap_path or default_keymap_path()
        self.analysis: Analysis | None = None
        self.main: MainScreen | None = None
        self.result: LoadResult | None = None

    def on_mount(self) -> None:
        keymap, problem = load_keymap(self.keymap_path)
        if keymap:
            self.set_keymap(keymap)
        if problem:
            notify(self, problem, severity="warning", timeout=8)
        names = ", ".join(Path(p).name for p in self.paths) or "the bundled Kursk timelines"
        self.push_screen(LoadingScreen(names))
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False)
    def load(self) -> None:
        screen = self.screen
        assert isinstance(screen, LoadingScreen)
        from contested.analysis import analyse
        from contested.loading import bundled_catalog, load_catalog
        from contested.tui.screens import main  # noqa: F401  (imported here, off the UI)

        def progress(done: int, total: int) -> None:
            self.call_from_thread(screen.progress, done, total)

        result = load_catalog(self.paths or [bundled_catalog()], progress=progress)
        if not result.ok:
            self.call_from_thread(self.show_errors, result)
            return
        self.call_from_thread(screen.analysing)
        analysis = analyse(result.catalog)  # frozen out of the collector's passes
        self.call_from_thread(self.show_catalog, analysis, [])

    def show_catalog(self, analysis: Analysis, partial: list[str]) -> None:
        from contested.tui.screens.main import MainScreen

        self.analysis = analysis
        self.main = MainScreen(analysis, partial=partial)
        self.switch_screen(self.main)

    def show_errors(self, result: LoadResult) -> None:
        from contested.tui.screens.errors import ErrorsScreen

        self.result = result
        self.switch_screen(ErrorsScreen(result))

    def continue_partial(self, result: LoadResult) -> None:
        from contested.analysis import analyse

        self.show_catalog(analyse(result.catalog), result.failed_paths)

    # --- navigation shared by the screens ------------------------------------------------

    def push_screen_detail(self, kind: str, entity_id: str) -> None:
        """Open the detail view of one item (the screen stack is the history)."""
        from contested.tui.screens.detail import DetailScreen

        if self.main is None or not self.main.details.exists(kind, entity_id):
            notify(self, f"{kind} {entity_id} is not in this catalog", severity="warning")
            return
        self.push_screen(DetailScreen(self.main.details.of(kind, entity_id)))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self._bindings_in_force(self.screen)))

    def _bindings_in_force(self, screen: Screen[object]) -> list[Binding]:
        """One binding per action, with every key that triggers it, ours (with ids)
        before Textual's own."""
        merged: dict[str, Binding] = {}
        for active in screen.active_bindings.values():
            binding = active.binding
            name = binding.action
            known = merged.get(name)
            if known is None:
                merged[name] = binding
                continue
            keys = ",".join(dict.fromkeys([*known.key.split(","), *binding.key.split(",")]))
            merged[name] = replace(known, key=keys, id=known.id or binding.id,
                                   description=known.description or binding.description)
        return sorted(merged.values(), key=lambda b: (b.id is None, b.id or "", b.action))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every action in the command palette, named as in help."""
        for binding in self._bindings_in_force(screen):
            if not binding.description:
                continue
            action = binding.action
            keys = binding.key.replace("question_mark", "?").replace("slash", "/")

            def run(action: str = action, node: Screen[object] = screen) -> None:
                self.call_later(self.run_action, action, node)

            yield SystemCommand(binding.description, f"{keys} · id: {binding.id}", run)
        yield from super().get_system_commands(screen)


def run_explorer(paths: Sequence[str], *, mouse: bool = True) -> int:
    """Run the app in this terminal; the exit status of the process."""
    app = ContestedApp(paths)
    status = app.run(mouse=mouse)
    return status if isinstance(status, int) else 0
