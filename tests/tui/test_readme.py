"""The README as the acceptance test.

The key table of "## The explorer", the command table of "## Commands" and the
promises written in the explorer's prose are read from README.md when the tests run.
Every row and every sentence is mapped to the tests that prove it (here, or elsewhere
by `module::name`); the meta-tests fail when the README gains a row or a promise no test
covers, or when a test still names a row the README no longer has.
"""

from __future__ import annotations

import importlib
import itertools
import json
import os
import re
import shutil
import stat
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Static

from contested import __version__
from contested.catalog.discover import bundled_catalog
from contested.catalog.entities import Entities
from contested.catalog.loading import load_catalog
from contested.cli import main
from contested.engine.analysis import Analysis, analyse
from contested.format.model import Claim, Document, Event, Question, Source
from contested.present.browse import GAP_DAYS, Browser
from contested.present.details import Detail, Details
from contested.present.filters import Filtered, apply, parse_filter
from contested.present.rows import Row
from contested.review.notes import SECTION_OF, Note, View
from contested.review.store import NOTES_LIMIT, NotesStore
from contested.tui.app import ContestedApp
from contested.tui.screens.detail import DetailScreen
from contested.tui.screens.errors import ContextScreen, ErrorsScreen
from contested.tui.screens.help import HelpScreen
from contested.tui.screens.main import PANE_OF_KIND, PANES, MainScreen
from contested.tui.screens.orphans import OrphansScreen
from contested.tui.screens.prompt import Prompt
from contested.tui.widgets.rows import VirtualTable
from contested.tui.widgets.text_view import ReadingView
from tests.helpers import REPO, SOURCES, TIMELINES
from tests.tui.helpers import (
    app_on,
    counts,
    focused_table,
    main_screen,
    ready,
    screen_lines,
    screen_text,
    until,
)

README = REPO / "README.md"
CI_RUN = REPO / ".ci" / "run"
ZOMBIE_SYRSKY = "category~syrsky-under-control~zombie-rout"

# --- reading the README ------------------------------------------------------------------


def readme_section(title: str) -> str:
    """The text of the `## title` section, up to the next `## ` heading."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def table_rows(section: str) -> list[tuple[str, str]]:
    """The rows (first cell, second cell) of the section's first table, header and
    separator left out; `\\|` inside a cell is a `|`."""
    rows: list[tuple[str, str]] = []
    started = False
    for line in section.splitlines():
        if not line.startswith("|"):
            if started:
                break
            continue
        started = True
        cells = [c.strip().replace("\\|", "|")
                 for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
        if set(cells[0]) <= set("-: "):
            continue
        rows.append((cells[0], cells[1]))
    return rows[1:]  # the header


def key_rows() -> list[tuple[str, str]]:
    return table_rows(readme_section("The explorer"))


def command_rows() -> list[tuple[str, str]]:
    return table_rows(readme_section("Commands"))


def key_row(cell: str) -> str:
    """What the README says the keys of `cell` do."""
    return dict(key_rows())[cell]


def prose_sentences(section: str) -> list[str]:
    """The sentences of a section's prose: its tables and code blocks left out."""
    text = re.sub(r"```.*?```", "", section, flags=re.S)
    sentences = []
    for paragraph in re.split(r"\n\s*\n", text):
        if not paragraph.strip() or paragraph.lstrip().startswith(("|", "## ")):
            continue
        flat = " ".join(paragraph.split())
        sentences += re.split(r"(?<=[.!?:])\s+(?=[A-Z`(])", flat)
    return sentences


def code_block(section: str, language: str) -> str:
    found = re.search(rf"```{language}\n(.*?)```", section, flags=re.S)
    assert found is not None, f"no {language} block in the section"
    return found.group(1)


def top_level_items(text: str) -> list[str]:
    """`a (x, y), b, c` -> [`a (x, y)`, `b`, `c`]: commas outside brackets."""
    items, depth, current = [], 0, ""
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += char
    return [*items, current.strip()]


KEY_NAMES = {"↓": "down", "↑": "up", "pgup": "pageup", "pgdn": "pagedown", "esc": "escape",
             "/": "slash", "?": "question_mark", "F1": "f1", "*": "asterisk", "←": "left",
             "→": "right"}
"""How a key written in the README is named by Textual."""


def readme_keys() -> list[str]:
    """Every key in the key table, and the keys its descriptions name (`A`, `w`, `←`,
    `ctrl+f`, `space`), as Textual names them."""
    keys: list[str] = []
    for cell, what in key_rows():
        spans = re.findall(r"`([^`]+)`", cell)
        span = re.fullmatch(r"`(\d)`…`(\d)`", cell)
        if span is not None:
            spans = [str(n) for n in range(int(span.group(1)), int(span.group(2)) + 1)]
        keys += [KEY_NAMES.get(s, s) for s in spans]
        keys += [KEY_NAMES.get(s, s) for s in re.findall(r"`([^`]+)`", what)
                 if (len(s) == 1 and s.isalpha()) or s in KEY_NAMES
                 or re.fullmatch(r"ctrl\+[a-z]|space", s)]
    return list(dict.fromkeys(keys))


def readme_filter_words() -> list[str]:
    """The filter words of the `f` row, as the README writes them."""
    spans = re.findall(r"`([^`]+)`", key_row("`f`, `V`"))
    words: str = next(s for s in spans if s.startswith("side:"))
    return words.split()


# --- the map: every row and promise, and the tests that prove it --------------------------

EXPLORER = "tests.tui.test_explorer::"
NOTES_KEYS = "tests.tui.test_review_notes::"
RELOAD = "tests.tui.test_live_reload::"
TERMINAL = "tests.tui.test_terminal_readme::"
DOCUMENTS = "tests.tui.test_documents::"
CLI = "tests.test_cli::"
FILES = "tests.support.test_files::"
STORE = "tests.review.test_notes::"

KEY_TESTS: dict[str, tuple[str, ...]] = {
    "`1`…`5`": (
        "test_every_key_in_the_readme_table_is_bound",
        "tests.review.test_track_record::test_the_sources_pane_shows_the_records_at_80x24_and_follows_a_preference",
        "test_number_keys_show_the_panes_the_readme_names",
        "test_the_timeline_is_in_date_order_with_gaps_and_contradictions_per_event",
        EXPLORER + "test_number_keys_jump_to_panes",
        EXPLORER + "test_opens_on_the_timeline_with_a_gap_marker",
        EXPLORER + "test_claims_follow_the_selected_event_and_toggle_to_all",
        EXPLORER + "test_sources_pane_and_who_contradicts_whom",
        EXPLORER + "test_which_sides_contradict_which",
        "test_a_who_contradicts_whom_row_opens_the_contradictions_it_counts",
        EXPLORER + "test_contradictions_pane_lists_zombie_against_syrsky",
        EXPLORER + "test_figures_plot_the_falling_area_and_the_matrix",
        TERMINAL + "test_keys_typed_ahead_reach_the_pane_they_open",
        EXPLORER + "test_claims_x_questions_scrolls_sideways_at_80_columns",
    ),
    "`tab` / `shift+tab`": (
        "test_tab_and_shift_tab_go_to_the_next_and_previous_pane",
    ),
    "`j` `k` `↓` `↑`, `g` `G`, `pgup` `pgdn`": (
        "test_the_motion_keys_move_in_every_list",
        EXPLORER + "test_help_is_grouped_by_task_readable_and_scrolls",
        EXPLORER + "test_motion_keys_move_the_cursor",
        EXPLORER + "test_the_rows_scroll_to_keep_the_cursor_in_view",
        EXPLORER + "test_one_row_is_highlighted_after_moving_in_a_scrolled_list",
        EXPLORER + "test_the_detail_view_switches_focus_and_scrolls_with_the_list_keys",
        TERMINAL + "test_detail_in_a_real_terminal",
        TERMINAL + "test_help_in_a_real_terminal",
    ),
    "`z`": (
        EXPLORER + "test_z_shows_the_whole_row_at_80_columns",
    ),
    "`enter`": (
        "test_enter_opens_the_detail_of_anything",
        EXPLORER + "test_the_detail_view_switches_focus_and_scrolls_with_the_list_keys",
        EXPLORER + "test_a_field_of_megabytes_is_cut_and_opens_whole",
        "test_a_detail_shows_every_field_of_its_item",
        EXPLORER + "test_enter_opens_details_and_escape_goes_back_through_history",
        EXPLORER + "test_claim_detail_shows_the_relay_chain",
        TERMINAL + "test_detail_in_a_real_terminal",
        TERMINAL + "test_keys_typed_ahead_reach_the_pane_they_open",
    ),
    "`L`, `u`": (
        "tests.tui.test_history::test_the_history_of_an_item_at_80x24",
        "tests.tui.test_history::test_the_history_of_the_whole_review_from_the_palette",
        "tests.tui.test_history::test_undo_ones_own_last_change_and_refused_after_anothers",
        "tests.review.test_analyst::test_then_gits_user_name_where_the_notes_are",
        "tests.review.test_history::test_export_includes_the_history_when_asked",
    ),
    "`H`": (
        "tests.tui.test_hypotheses::test_h_opens_the_question_and_a_key_rates_a_cell",
        "tests.tui.test_hypotheses::test_hypotheses_view_80x24",
        "tests.engine.test_hypotheses::test_the_leader_flips_when_one_speaker_is_dropped",
        "tests.engine.test_hypotheses::test_an_override_ii_doubles_the_cell_and_survives_a_reload",
        "tests.engine.test_cruxes::test_the_bundled_march_question_turns_on_syrsky_and_zombie",
    ),
    "`D`, `d`": (
        DOCUMENTS + "test_the_documents_view_lists_each_copy_and_its_quotes",
        DOCUMENTS + "test_the_sentence_around_a_quote_shows_in_the_claim_detail_at_80x24",
        DOCUMENTS + "test_d_shows_the_paragraph_around_the_quote",
        DOCUMENTS + "test_d_says_why_there_is_no_paragraph",
        DOCUMENTS + "test_every_bundled_quote_shows_in_its_sentence",
        "tests.tui.test_snapshots::test_documents",
    ),
    "`esc` / `backspace`": (
        "test_esc_and_backspace_go_back",
        "test_esc_clears_the_filter_before_it_goes_back",
        EXPLORER + "test_enter_opens_details_and_escape_goes_back_through_history",
        EXPLORER + "test_backspace_returns_to_where_search_started",
        EXPLORER + "test_esc_goes_back_then_clears_the_search_then_says_so",
    ),
    "`/`, `n` / `N`": (
        "test_search_reaches_every_text_field_and_the_aliases",
        "test_n_and_shift_n_put_the_cursor_on_each_match",
        EXPLORER + "test_search_finds_gady_by_the_other_spelling_and_n_moves_on",
        EXPLORER + "test_search_without_a_match_says_so",
        TERMINAL + "test_search_in_a_real_terminal",
    ),
    "`?` / `F1`, `ctrl+p`": (
        "test_help_and_the_palette_open_from_their_keys",
        "test_the_palette_lists_every_action_in_force",
        "test_every_key_in_force_has_an_id_shown_in_help",
        EXPLORER + "test_help_is_generated_from_the_bindings",
        EXPLORER + "test_help_is_grouped_by_task_readable_and_scrolls",
        EXPLORER + "test_help_lists_the_keys_that_work_where_it_was_opened",
        EXPLORER + "test_command_palette_reaches_every_action",
        NOTES_KEYS + "test_every_palette_entry_does_what_its_key_does",
        TERMINAL + "test_help_in_a_real_terminal",
        TERMINAL + "test_palette_in_a_real_terminal",
    ),
    "`*`, `t`, `a`": (
        "test_star_tags_and_a_dated_comment_on_every_list",
        "test_star_tags_and_a_dated_comment_in_a_detail_view",
        NOTES_KEYS + "test_notes_keys_on_events_claims_and_sources",
        NOTES_KEYS + "test_review_a_contradiction_end_to_end",
    ),
    "`m`, `p`": (
        "test_m_and_p_in_a_contradiction_s_detail",
        NOTES_KEYS + "test_review_a_contradiction_end_to_end",
        NOTES_KEYS + "test_notes_keys_on_events_claims_and_sources",
    ),
    "`f`, `V`": (
        "tests.tui.test_since::test_the_changed_filter_keeps_only_what_moved",
        "test_every_filter_word_in_the_readme_filters_every_pane",
        "test_the_titles_and_the_status_count_what_the_filter_keeps",
        "test_the_filter_is_shown_whole_in_the_header_at_80_columns",
        "test_who_contradicts_whom_follows_the_filter",
        "tests.present.test_filters::test_a_pair_filter_keeps_what_its_row_counted",
        "tests.present.test_filters::test_a_side_with_a_space_is_written_in_quotes",
        "test_a_saved_view_reopens_from_the_palette",
        NOTES_KEYS + "test_a_newcomer_reviews_kursk_end_to_end",
        NOTES_KEYS + "test_saved_views_are_in_the_palette",
        NOTES_KEYS + "test_an_unknown_view_or_a_bad_filter_is_reported",
        TERMINAL + "test_filter_in_a_real_terminal",
        TERMINAL + "test_contested_view_opens_a_saved_view",
    ),
    "`y`, `e`": (
        NOTES_KEYS + "test_y_copies_the_item_and_e_writes_the_report",
        "tests.support.test_clipboard::test_the_text_reaches_tmux_s_buffer",
        "tests.support.test_clipboard::test_with_set_clipboard_off_it_says_how_to_reach_the_terminal",
        TERMINAL + "test_y_copies_into_tmux_when_tmux_takes_osc52",
        TERMINAL + "test_y_in_tmux_as_it_comes_copies_or_says_how_to_enable_it",
    ),
    "`O`, `E`": (
        "test_orphaned_notes_are_kept_never_dropped",
        NOTES_KEYS + "test_orphaned_notes_are_shown",
        STORE + "test_orphaned_notes_are_listed_and_kept",
        RELOAD + "test_after_going_on_with_the_clean_files_a_mended_file_ends_partial",
        RELOAD + "test_a_reload_that_fails_says_so_and_the_files_stay_watched",
    ),
    "`q`, `ctrl+c`, `ctrl+z`": (
        "test_q_quits_from_a_list_and_from_a_detail",
        "test_ctrl_c_quits_when_no_text_is_selected",
        "tests.tui.test_terminal::test_bundled_catalog_contradictions_help_and_quit",
        TERMINAL + "test_ctrl_z_suspends_to_the_shell_and_comes_back",
    ),
}

COMMAND_TESTS: dict[str, tuple[str, ...]] = {
    "`contested validate [PATH…]`": (
        "test_validate_as_the_readme_says",
        CLI + "test_validate_bundled_catalog_from_any_directory",
        CLI + "test_warnings_follow_errors_and_do_not_fail_unless_strict",
        CLI + "test_invalid_catalog_exits_1_with_located_errors_and_carets",
        CLI + "test_json_format_lists_error_objects",
        "tests.catalog.test_same_events::test_the_commands_take_the_rule_s_options",
        "tests.catalog.test_same_events::test_the_same_clash_in_two_datasets_is_one_event_and_their_figures_disagree",
        CLI + "test_usage_errors_exit_2",
        "tests.format.test_diagnostics::test_nearest_takes_at_most_a_third_of_the_names_length_in_edits",
        "tests.catalog.test_loading_errors::test_unknown_id_names_the_nearest_id_of_that_kind",
        "tests.catalog.test_loading_errors::test_unknown_question_names_the_nearest_question",
        "tests.catalog.test_loading_errors::test_a_tab_in_the_indentation_is_named_as_such",
        "tests.catalog.test_loading_errors::test_a_date_written_day_first_is_recognised",
        "tests.catalog.test_loading_errors::test_a_thousands_comma_inside_braces_is_explained",
    ),
    "`contested contradictions [PATH…]`": (
        "test_contradictions_as_the_readme_says",
        CLI + "test_contradictions_table_of_the_bundled_catalog",
        CLI + "test_contradictions_filters",
        CLI + "test_contradictions_json_fields",
        CLI + "test_a_large_question_is_summarised_in_the_table",
        CLI + "test_contradictions_with_an_unknown_name_say_so_and_exit_2",
        CLI + "test_an_unknown_question_lists_the_first_ten_known_ones",
    ),
    "`contested export [--format markdown|json|csv] [PATH…] [-o FILE] [--notes FILE]`": (
        "test_export_as_the_readme_says",
        "tests.export.test_export::test_golden_exports_of_the_bundled_catalog",
        "tests.export.test_export::test_json_export_is_versioned_and_normalized",
        CLI + "test_export_with_notes_shows_the_review",
        FILES + "test_export_into_a_fifo_writes_through_to_its_reader",
        FILES + "test_export_through_a_link_replaces_the_file_behind_it",
        FILES + "test_export_to_standard_output_as_a_path",
        FILES + "test_export_refuses_a_folder_or_a_socket",
        CLI + "test_export_takes_the_format_from_the_files_extension",
        CLI + "test_export_refuses_a_format_that_contradicts_the_extension",
        CLI + "test_export_format_agreeing_with_the_extension_or_to_stdout",
    ),
    ("`contested hypotheses [PATH…] [--question ID] [--as-of DATE] [--weights FILE] "
     "[--notes FILE] [--json]`"): (
        "tests.engine.test_hypotheses::test_cli_hypotheses_json_and_text",
        "tests.engine.test_hypotheses::test_weights_are_reliability_times_credibility",
        "tests.engine.test_hypotheses::test_a_broken_weights_file_is_reported_and_ignored",
    ),
    "`contested diff OLD NEW [PATH…] [--json]`": (
        "tests.test_diff::test_two_commits_of_a_git_repository",
        "tests.test_diff::test_the_report_lists_each_change_under_its_heading",
        "tests.test_diff::test_a_bad_revision_is_a_clear_usage_error",
        "tests.test_diff::test_a_side_that_does_not_load_gives_its_errors_at_rev_path",
        "tests.tui.test_since::test_new_and_changed_rows_are_marked_in_three_panes",
        "tests.tui.test_since::test_the_changed_filter_keeps_only_what_moved",
        "tests.tui.test_since::test_since_marks_rows_at_80x24",
    ),
    "`contested import FORMAT FILE… -o DIR [--skip-malformed] [--mapping FILE]`": (
        "tests.importers.test_acled::test_each_column_maps_as_documented",
        "tests.importers.test_acled::test_malformed_rows_are_listed_and_nothing_is_written",
        "tests.importers.test_acled::test_skip_malformed_writes_the_rest_and_lists_what_it_left_out",
        "tests.importers.test_acled::test_a_second_import_of_the_same_file_is_byte_identical",
        "tests.importers.test_writer::test_a_source_declared_by_hand_is_reused_and_the_hand_file_untouched",
        "tests.importers.test_writer::test_a_file_without_the_marker_at_an_owned_name_refuses_the_import",
        "tests.importers.test_ucdp::test_acled_and_ucdp_in_one_folder_disagree_exactly_where_they_should",
    ),
    ("`contested serve [PATH…] [--host HOST] [--port PORT] [--allow-notes] "
     "[--analyst NAME] [--notes FILE]`"): (
        "tests.tui.test_serve::test_a_request_without_the_token_is_refused_and_the_page_stays_on_this_machine",
        "tests.tui.test_serve::test_the_bundled_catalog_arrives_in_a_real_browser_read_only",
        "tests.tui.test_serve::test_notes_allowed_a_colleague_s_star_is_saved_in_the_shared_file",
        "tests.tui.test_serve::test_notes_allowed_the_page_asks_a_colleague_for_a_name",
        "tests.tui.test_serve::test_a_port_taken_is_said_in_one_line_with_how_to_choose_another",
        "tests.tui.test_serve::test_a_served_explorer_without_notes_allowed_saves_nothing",
    ),
    "`contested merge-notes BASE OURS THEIRS`": (
        "tests.review.test_git_merge::test_the_driver_merges_edits_to_the_same_notes_and_keeps_conflicts_visible",
        "tests.review.test_git_merge::test_edits_to_different_notes_merge_line_by_line_without_the_driver",
        "tests.review.test_merge::test_no_edit_is_ever_lost",
        "tests.review.test_merge::test_a_conflict_is_written_and_exits_1_naming_it",
        "tests.review.test_merge::test_a_file_that_is_not_notes_leaves_ours_untouched_and_exits_2",
        "tests.tui.test_live_notes::test_a_merge_conflict_is_marked_in_the_row_and_told_in_the_detail",
        "tests.review.test_git_merge::test_the_pre_commit_hook_validates_the_catalog_as_a_whole",
    ),
    "`contested new [DIR]`": (
        "tests.test_new::test_new_writes_the_files_and_says_what_to_do_next",
        "tests.test_new::test_the_starter_validates_strictly_with_no_warning",
        "tests.test_new::test_every_yaml_file_names_the_schema_written_beside_it",
        "tests.test_new::test_every_quote_of_the_starter_is_verified",
        "tests.test_new::test_a_second_new_refuses_and_leaves_every_file_as_it_was",
        "tests.test_new::test_one_file_in_the_way_refuses_and_writes_none_of_the_others",
    ),
    "`contested schema`": (
        "test_schema_as_the_readme_says",
        "tests.format.test_schema::test_schema_command_prints_the_schema",
    ),
    "`contested --version`, `contested --help`, `contested COMMAND --help`": (
        "test_version_and_every_command_s_help",
        CLI + "test_each_commands_usage_line_names_it",
        CLI + "test_top_level_help_shows_every_explorer_option_and_every_command",
        "test_every_option_in_the_command_table_is_in_its_command_s_help",
        "test_the_explorer_s_help_names_its_options",
    ),
}

PROMISES: dict[str, tuple[str, ...]] = {
    "Explorers sharing a notes file see each other's changes within a second": (
        "tests.tui.test_live_notes::test_two_explorers_see_each_others_notes_and_the_cursors_stay",
        "tests.tui.test_live_notes::test_two_analysts_in_two_processes_both_see_both",
        "tests.tui.test_live_notes::test_a_broken_notes_file_is_said_once_and_the_last_good_notes_stay",
    ),
    "opens a keyboard-driven app that works at 80x24": (
        EXPLORER + "test_opens_on_the_timeline_with_a_gap_marker",
        TERMINAL + "test_filter_in_a_real_terminal",
        TERMINAL + "test_search_in_a_real_terminal",
        TERMINAL + "test_palette_in_a_real_terminal",
        TERMINAL + "test_help_in_a_real_terminal",
        TERMINAL + "test_detail_in_a_real_terminal",
        TERMINAL + "test_without_colour_nothing_is_coloured_and_the_cursor_shows",
        TERMINAL + "test_no_mouse_leaves_the_mouse_to_the_terminal",
    ),
    "The mouse": (
        EXPLORER + "test_the_mouse_switches_panes_moves_opens_and_scrolls",
        TERMINAL + "test_no_mouse_leaves_the_mouse_to_the_terminal",
    ),
    "Press `?` for help": (
        EXPLORER + "test_help_is_generated_from_the_bindings",
        TERMINAL + "test_help_in_a_real_terminal",
    ),
    "Review notes never touch the timelines": (
        "test_notes_never_touch_the_timelines_and_are_saved_at_once",
        "test_the_bundled_timelines_keep_their_notes_in_the_user_s_data_folder",
        NOTES_KEYS + "test_two_explorers_on_one_notes_file_keep_both_notes",
        STORE + "test_two_processes_adding_notes_at_once_lose_none",
        STORE + "test_a_save_killed_at_any_moment_leaves_the_old_file_or_the_new",
        CLI + "test_explorer_notes_in_a_missing_folder_is_a_usage_error",
        CLI + "test_explorer_notes_under_a_file_is_a_usage_error",
    ),
    "A notes file that is a symbolic link": (
        "test_a_notes_file_behind_a_link_stays_a_link_in_the_explorer",
        FILES + "test_a_notes_file_behind_a_link_is_written_through_it",
    ),
    "A notes file deleted while the explorer runs": (
        NOTES_KEYS + "test_a_notes_file_deleted_under_the_explorer_is_written_again_and_said",
        FILES + "test_a_notes_file_deleted_while_open_keeps_every_note_loaded",
    ),
    "A notes file that cannot be read": (
        "test_a_notes_file_that_cannot_be_read_or_written_is_shown_read_only",
        NOTES_KEYS + "test_a_folder_that_cannot_be_written_offers_another_notes_file",
        NOTES_KEYS + "test_a_read_only_notes_file_is_said_at_start_and_kept",
        FILES + "test_a_notes_path_that_is_not_a_file_is_read_only_and_untouched",
        FILES + "test_a_read_only_notes_file_is_shown_and_never_replaced",
    ),
    "A save killed half-way": (
        STORE + "test_a_save_killed_at_any_moment_leaves_the_old_file_or_the_new",
        FILES + "test_the_first_save_removes_what_a_killed_save_left",
    ),
    "When a timeline file changes on disk": (
        RELOAD + "test_an_edited_file_reloads_and_the_cursor_stays",
        "test_every_pane_keeps_its_cursor_on_the_same_id_after_a_reload",
        "test_a_change_that_breaks_the_catalog_is_reported_at_80_columns",
    ),
    "The NOTE column": (
        "test_the_note_column_appears_once_something_has_a_note",
    ),
    "`!` marks a claim in a contradiction": (
        "test_marks_agreement_and_sides_written_out",
        TERMINAL + "test_without_colour_nothing_is_coloured_and_the_cursor_shows",
    ),
    "When files have errors the explorer opens on them": (
        EXPLORER + "test_errors_screen_then_partial_catalog",
        "test_partial_goes_once_the_broken_file_is_fixed",
    ),
    "Every key has an id": (
        "test_every_key_in_force_has_an_id_shown_in_help",
        "test_the_readme_keymap_example_works",
        EXPLORER + "test_keymap_file_remaps_a_binding_by_id",
    ),
}


def resolve(name: str) -> Callable[..., object] | None:
    module, _, function = name.rpartition("::")
    found = getattr(importlib.import_module(module or __name__), function, None)
    return found if callable(found) and function.startswith("test_") else None


# --- meta-tests: the map and the README agree ----------------------------------------------


def test_every_key_row_of_the_readme_has_its_tests() -> None:
    in_readme = [cell for cell, _ in key_rows()]
    assert len(in_readme) >= 10, "the key table was not found"
    untested = [cell for cell in in_readme if cell not in KEY_TESTS]
    gone = [cell for cell in KEY_TESTS if cell not in in_readme]
    assert not untested, f"README key rows with no test: {untested}"
    assert not gone, f"tests name key rows the README no longer has: {gone}"


def test_every_command_row_of_the_readme_has_its_tests() -> None:
    in_readme = [cell for cell, _ in command_rows()]
    assert len(in_readme) >= 4, "the command table was not found"
    untested = [cell for cell in in_readme if cell not in COMMAND_TESTS]
    gone = [cell for cell in COMMAND_TESTS if cell not in in_readme]
    assert not untested, f"README command rows with no test: {untested}"
    assert not gone, f"tests name command rows the README no longer has: {gone}"


def test_every_promise_in_the_explorer_s_prose_has_its_tests() -> None:
    sentences = prose_sentences(readme_section("The explorer"))
    assert len(sentences) >= 10
    untested = [s for s in sentences if not any(phrase in s for phrase in PROMISES)]
    gone = [phrase for phrase in PROMISES if not any(phrase in s for s in sentences)]
    assert not untested, f"sentences of the README with no test: {untested}"
    assert not gone, f"tests name promises the README no longer makes: {gone}"


def test_every_test_named_in_the_map_exists() -> None:
    named = {name for table in (KEY_TESTS, COMMAND_TESTS, PROMISES)
             for names in table.values() for name in names}
    missing = sorted(name for name in named if resolve(name) is None)
    assert not missing, f"the map names tests that do not exist: {missing}"


@pytest.mark.parametrize("package", ["tmux", "chromium"])
def test_ci_installs_the_system_packages_then_runs_exactly_the_readme_test_command(
        package: str) -> None:
    quick = readme_section("Quick start")
    blocks = re.findall(r"```sh\n(.*?)```", quick, flags=re.S)
    test_command = next(b.strip() for b in blocks if "pytest" in b)
    after = quick[quick.index(test_command):]
    assert f"`{package}`" in after, f"the README must name {package}, which the tests need"
    lines = [line.strip() for line in CI_RUN.read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    assert lines[-1] == test_command
    install = [n for n, line in enumerate(lines) if f"command -v {package}" in line]
    assert install, f".ci/run does not install {package}"
    assert f"apt-get install -y {package}" in lines[install[0]]
    assert install[0] < len(lines) - 1


# --- driving the explorer ------------------------------------------------------------------


@asynccontextmanager
async def explorer(tmp_path: Path, size: tuple[int, int] = (80, 24), *,
                   paths: list[Path] | None = None, notes: Path | None = None,
                   notifications: bool = False, keymap: Path | None = None,
                   ) -> AsyncIterator[tuple[ContestedApp, Pilot[int]]]:
    """The explorer (the bundled catalog unless `paths`), its notes in `tmp_path`."""
    app = app_on(paths, notes=notes or tmp_path / "notes.yaml", tmp_config=keymap)
    async with app.run_test(size=size, notifications=notifications) as pilot:
        await ready(pilot)
        yield app, pilot


def rows(table: VirtualTable) -> list[Row]:
    return [table.rows[i] for i in range(len(table.rows))]


def keys_of(table: VirtualTable) -> list[str]:
    return [row.key for row in rows(table) if row.kind not in ("gap", "heading")]


async def answer(pilot: Pilot[int], text: str) -> None:
    assert isinstance(pilot.app.screen, Prompt), pilot.app.screen
    await pilot.press("ctrl+u", *text, "enter")
    await pilot.pause()


def status_text(app: ContestedApp) -> str:
    return str(main_screen(app).query_one("#status", Static).render())


def header_text(app: ContestedApp) -> str:
    """The screen's lines above the first pane (the tabs, and what goes with them)."""
    lines = screen_lines(app)
    end = next((n for n, line in enumerate(lines) if line.lstrip()[:1] in ("╔", "╭")),
               len(lines))
    return "\n".join(line for line in lines[:end] if line.strip())


def filter_shown(app: ContestedApp, text: str) -> bool:
    """The header shows the filter `text`, whole, on the line that says FILTER."""
    return any("FILTER" in line and text in line for line in header_text(app).splitlines())


def bundled() -> Analysis:
    result = load_catalog([bundled_catalog()])
    assert result.ok
    return analyse(result.catalog)


# --- the key table, row by row ---------------------------------------------------------------


async def test_every_key_in_the_readme_table_is_bound(tmp_path: Path) -> None:
    """In the lists, or (`o`, a detail's key) in a detail view."""
    keys = readme_keys()
    assert {"1", "5", "tab", "escape", "slash", "asterisk", "V", "O", "q", "A", "w", "z",
            "h", "left", "ctrl+z", "ctrl+f", "space", "o"} <= set(keys)
    async with explorer(tmp_path) as (app, pilot):
        bound = set(app.screen.active_bindings)
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        bound |= set(app.screen.active_bindings)
        assert [k for k in keys if k not in bound] == []


async def test_number_keys_show_the_panes_the_readme_names(tmp_path: Path) -> None:
    names = [item.split()[0] for item in top_level_items(key_row("`1`…`5`"))]
    assert names == [title for _, title in PANES]
    async with explorer(tmp_path) as (app, pilot):
        for number, name in enumerate(names, 1):
            await pilot.press(str(number))
            await pilot.pause()
            assert f"[{number} {name}]" in screen_lines(app)[0]
            assert str(focused_table(app).border_title).startswith(f"{number} {name}")


async def test_the_timeline_is_in_date_order_with_gaps_and_contradictions_per_event(
        tmp_path: Path) -> None:
    """`!n` is the number of the event's claims that are in a contradiction."""
    async with explorer(tmp_path) as (app, _):
        analysis = main_screen(app).analysis
        catalog = analysis.catalog
        per_event: dict[str, set[str]] = {}
        for found in analysis.contradictions:
            for claim_id in found.claims:
                event = catalog.claims[claim_id].event
                if event is not None:
                    per_event.setdefault(event, set()).add(claim_id)
        shown = rows(focused_table(app))
        events = [row for row in shown if row.kind != "gap"]
        assert len(events) == len(catalog.events)
        starts = [catalog.events[row.key].date.earliest for row in events]
        known = [a for a in starts if a is not None]
        assert known == starts  # every bundled event has a first day
        assert known == sorted(known)
        for before, after in itertools.pairwise(shown):
            if before.kind == "gap" or after.kind == "gap":
                continue
            first = catalog.events[before.key].date.earliest
            second = catalog.events[after.key].date.earliest
            assert first is not None
            assert second is not None
            assert (second - first).days <= GAP_DAYS, f"no gap between {before.key} and {after.key}"
        assert "⋯ 6 months later ⋯" in screen_text(app)
        counted = {row.key: row.cells[3] for row in events}
        expected = {key: f"!{len(per_event[key])}" if key in per_event else ""
                    for key in counted}
        assert counted == expected


async def test_tab_and_shift_tab_go_to_the_next_and_previous_pane(tmp_path: Path) -> None:
    panes = [pane for pane, _ in PANES]
    async with explorer(tmp_path) as (app, pilot):
        for expected in [*panes[1:], panes[0]]:
            await pilot.press("tab")
            assert main_screen(app).pane == expected
        for expected in [panes[-1], *reversed(panes[:-1])]:
            await pilot.press("shift+tab")
            assert main_screen(app).pane == expected
            assert focused_table(app).display


LISTS = [("1",), ("2", "A"), ("3",), ("3", "w"), ("3", "w", "w"), ("4",), ("5",), ("5", "x")]


@pytest.mark.parametrize("keys", LISTS, ids=" ".join)
async def test_the_motion_keys_move_in_every_list(tmp_path: Path, keys: tuple[str, ...]
                                                  ) -> None:
    async with explorer(tmp_path) as (app, pilot):
        await pilot.press(*keys)
        table = focused_table(app)
        stops = [n for n, row in enumerate(rows(table)) if row.kind not in ("gap", "heading")]
        assert len(stops) >= 3, "this list is too short to show the keys"
        for key, stop in (("g", 0), ("j", 1), ("down", 2), ("k", 1), ("up", 0), ("G", -1),
                          ("g", 0)):
            await pilot.press(key)
            assert table.cursor == stops[stop], key
        page = table.scrollable_content_region.height - 1  # under the header
        await pilot.press("pagedown")
        if len(table.rows) > page:
            assert stops[2] < table.cursor < stops[-1] or table.cursor == stops[-1]
        else:
            assert table.cursor == stops[-1]
        await pilot.press("pageup")
        assert table.cursor == stops[0]


@pytest.mark.parametrize(("keys", "kind"), [
    (("1",), "event"), (("2", "A"), "claim"), (("3",), "source"), (("4",), "contradiction"),
    (("5",), "question"), (("5", "x"), "claim"),
], ids=lambda value: " ".join(value) if isinstance(value, tuple) else value)
async def test_enter_opens_the_detail_of_anything(tmp_path: Path, keys: tuple[str, ...],
                                                  kind: str) -> None:
    async with explorer(tmp_path, (120, 40)) as (app, pilot):
        await pilot.press(*keys, "j")
        row = focused_table(app).current
        assert row is not None
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        assert (screen.detail.kind, screen.detail.id) == (kind, row.key)
        body = screen.query_one("#detail-body", ReadingView).plain_text()
        for label, _ in screen.detail.fields:
            assert label in body
        links = screen.query_one("#links", VirtualTable)
        assert len(links.rows) == len(screen.detail.links) > 0
        link = links.current
        assert link is not None
        await pilot.press("enter")  # follows the link
        await pilot.pause()
        followed = app.screen
        assert isinstance(followed, DetailScreen)
        assert f"{followed.detail.kind}:{followed.detail.id}" == link.key
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


SHOWN_AS: dict[str, dict[str, str]] = {
    # a model field -> "id", "title", "link:KIND" or the label of the detail's field
    "claim": {"id": "id", "source": "source", "via": "relay chain", "event": "link:event",
              "said": "said", "text": "title", "quote": "quote", "about": "question",
              "value": "value", "unit": "value", "as_of": "holds as of",
              "credibility": "credibility", "disputes": "disputes", "supports": "supports",
              "note": "note", "document": "document", "provenance": "provenance"},
    "document": {"id": "id", "title": "title", "url": "url", "published": "published",
                 "archived": "archived", "sha256": "sha256", "note": "note"},
    "event": {"id": "id", "date": "date", "title": "title", "place": "place", "tags": "tags",
              "summary": "summary", "note": "note", "coordinates": "coordinates",
              "kind": "kind", "provenance": "provenance"},
    "source": {"id": "id", "name": "title", "aliases": "aliases", "kind": "kind",
               "side": "side", "reliability": "reliability", "url": "url", "note": "note"},
    "question": {"id": "id", "text": "title", "kind": "kind", "values": "values",
                 "unit": "unit", "tolerance": "tolerance", "note": "note",
                 "per_event": "asked of"},
}
WRITTEN_OUT = {"quote", "note", "place", "summary", "url", "side"}
"""Fields whose text the detail shows as written (the others are ids shown by name,
dates and figures shown in their own words, lists joined)."""
MODELS: dict[str, type[Claim | Event | Source | Question | Document]] = {
    "claim": Claim, "event": Event, "source": Source, "question": Question,
    "document": Document}


def check_shown(detail: Detail, item: Claim | Event | Source | Question | Document) -> None:
    fields = dict(detail.fields)
    for name in type(item).model_fields:
        value = getattr(item, name)
        if value is False or value in (None, [], ""):
            continue
        if name == "tolerance" and getattr(item, "kind", "") != "quantity":
            continue  # a category question has none to speak of
        shown = SHOWN_AS[detail.kind][name]
        where = f"{detail.kind} {detail.id}: {name}"
        if shown == "id":
            assert detail.id == value, where
        elif shown == "title":
            assert detail.title == value, where
        elif shown.startswith("link:"):
            assert (shown[5:], value) in {(link.kind, link.id) for link in detail.links}, where
        else:
            assert shown in fields, where
            if name in WRITTEN_OUT:
                assert value in fields[shown], where


def test_a_detail_shows_every_field_of_its_item() -> None:
    """Every field a timeline can give an item is in its detail (a field added to the
    format fails here until the detail shows it)."""
    analysis = bundled()
    for kind, model in MODELS.items():
        assert set(model.model_fields) == set(SHOWN_AS[kind]), kind
    details = Details(Browser(analysis))
    catalog = analysis.catalog
    for kind, items in (("claim", catalog.claims), ("event", catalog.events),
                        ("source", catalog.sources), ("question", catalog.questions),
                        ("document", catalog.documents)):
        for item in items.values():
            check_shown(details.of(kind, item.id), item)
    for found in analysis.contradictions:
        detail = details.of("contradiction", found.id)
        assert [link.id for link in detail.links if link.kind == "claim"] == list(found.claims)
        labels = dict(detail.fields)
        for position, claim_id in enumerate(found.claims, 1):
            assert f"side {position}" in labels
            if catalog.claims[claim_id].quote:
                assert f"quote {position}" in labels


async def test_esc_and_backspace_go_back(tmp_path: Path) -> None:
    async with explorer(tmp_path) as (app, pilot):
        await pilot.press("j", "j")
        where = focused_table(app).current
        for back in ("escape", "backspace"):
            await pilot.press("4")
            assert main_screen(app).pane == "contradictions"
            await pilot.press(back)
            assert main_screen(app).pane == "timeline", back
            assert focused_table(app).current == where, back
            await pilot.press("enter")
            assert isinstance(app.screen, DetailScreen)
            await pilot.press(back)
            assert isinstance(app.screen, MainScreen), back


async def test_esc_clears_the_filter_before_it_goes_back(tmp_path: Path) -> None:
    async with explorer(tmp_path) as (app, pilot):
        await pilot.press("4", "f")
        await answer(pilot, "side:russia")
        screen = main_screen(app)
        assert screen.filter.active
        await pilot.press("escape")
        assert not screen.filter.active, "esc did not clear the filter"
        assert "FILTER" not in header_text(app)
        assert screen.pane == "contradictions"  # cleared, not gone back
        await pilot.press("escape")
        assert screen.pane == "timeline"


SEARCHED = {"event": ("title", "place", "summary", "note", "tags"),
            "claim": ("text", "quote", "note"),
            "source": ("name", "aliases", "note"),
            "question": ("text", "note", "values")}
"""The text fields of each item that the bundled catalog fills (a source's `url` is
empty in all of them)."""


def a_word_of(value: object) -> str:
    text = " ".join(value) if isinstance(value, list) else str(value)
    words: list[str] = re.findall(r"[A-Za-z][A-Za-z-]+", text) or [text]
    return max(words, key=len)


async def test_search_reaches_every_text_field_and_the_aliases(tmp_path: Path) -> None:
    async with explorer(tmp_path) as (app, pilot):
        screen = main_screen(app)
        catalog = screen.analysis.catalog
        items: dict[str, Entities[Any]] = {
            "event": catalog.events, "claim": catalog.claims,
            "source": catalog.sources, "question": catalog.questions}
        searches = []
        for kind, names in SEARCHED.items():
            for name in names:
                item = next(i for i in items[kind].values() if getattr(i, name))
                searches.append((kind, item.id, name, a_word_of(getattr(item, name))))
        declared = screen.analysis.contradictions.declared[0]
        assert declared.note
        searches.append(("contradiction", declared.id, "note", a_word_of(declared.note)))
        searches.append(("source", "gady", "aliases", "Gadi"))  # the README's own example
        for kind, item_id, name, word in searches:
            await pilot.press("slash", *word, "enter")
            await pilot.pause()
            assert any((hit.kind, hit.id) == (kind, item_id) for hit in screen.hits), (
                f"/{word} (from the {name} of {kind} {item_id}) did not find it")
        assert {hit.id for hit in screen.hits if hit.kind == "claim"} >= {
            c.id for c in catalog.claims.values() if "gady" in c.source}


async def test_n_and_shift_n_put_the_cursor_on_each_match(tmp_path: Path) -> None:
    """Started from a who-contradicts-whom view, as in the issue: each match is shown
    with the cursor on it, the source row of Franz-Stefan Gady among them."""
    async with explorer(tmp_path) as (app, pilot):
        await pilot.press("3", "w", "slash", *"Gadi", "enter")
        await pilot.pause()
        screen = main_screen(app)
        hits = list(screen.hits)
        assert ("source", "gady") in {(h.kind, h.id) for h in hits}

        def on_match() -> None:
            hit = hits[screen.hit_index]
            assert screen.pane == PANE_OF_KIND[hit.kind], hit
            current = focused_table(app).current
            assert current is not None
            assert current.key == hit.id, (hit, current)
            assert f"match {screen.hit_index + 1} of {len(hits)}" in status_text(app)

        on_match()
        for _ in range(len(hits) - 1):
            await pilot.press("n")
            on_match()
        await pilot.press("N")
        assert screen.hit_index == len(hits) - 2
        on_match()


async def test_help_and_the_palette_open_from_their_keys(tmp_path: Path) -> None:
    async with explorer(tmp_path) as (app, pilot):
        for key in ("question_mark", "f1"):
            await pilot.press(key)
            assert isinstance(app.screen, HelpScreen), key
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def palette_titles(pilot: Pilot[int]) -> set[str]:
    """Everything the palette lists when opened with nothing typed."""
    await pilot.press("ctrl+p")
    await until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette),
                "the palette opening")
    screen = pilot.app.screen
    assert isinstance(screen, CommandPalette)
    listed = screen.query_one(CommandList)
    # The palette gathers its entries in a worker, showing them in batches: wait until
    # it has listed some and its worker is done, so that the list is whole.
    await until(pilot, lambda: bool(listed.option_count) and not any(
        worker.node is screen and not worker.is_finished for worker in pilot.app.workers),
        "the palette listing every entry")
    titles = set()
    for n in range(listed.option_count):
        option = listed.get_option_at_index(n)
        hit = getattr(option, "hit", None)
        if hit is not None and hit.text:
            titles.add(str(hit.text))
    return titles


@pytest.mark.parametrize("where", ["list", "detail"])
async def test_the_palette_lists_every_action_in_force(tmp_path: Path, where: str) -> None:
    async with explorer(tmp_path, (100, 40)) as (app, pilot):
        if where == "detail":
            await pilot.press("enter")
            await pilot.pause()
        actions = {b.binding.description for b in app.screen.active_bindings.values()
                   if b.binding.description and b.binding.action != "command_palette"}
        titles = await palette_titles(pilot)
        assert actions - titles == set()


def noted(path: Path, kind: str, item_id: str) -> Note:
    assert kind in SECTION_OF, f"notes are not kept on a {kind}"
    return NotesStore(path).get(kind, item_id)


def check_review(note: Note, where: str) -> None:
    assert note.star, where
    assert note.tags == ("follow-up",), where
    assert [c.text for c in note.comments] == ["checked against the map"], where
    datetime.fromisoformat(note.comments[0].at.replace("Z", "+00:00"))  # dated


@pytest.mark.parametrize(("keys", "kind"), [
    (("1",), "event"), (("2",), "claim"), (("3",), "source"), (("4",), "contradiction"),
    (("3", "w"), "source"), (("5", "x"), "claim"),
], ids=lambda value: " ".join(value) if isinstance(value, tuple) else value)
async def test_star_tags_and_a_dated_comment_on_every_list(
        tmp_path: Path, keys: tuple[str, ...], kind: str) -> None:
    notes = tmp_path / "notes.yaml"
    async with explorer(tmp_path, (100, 30), notes=notes) as (app, pilot):
        await pilot.press(*keys, "j")
        item = app.focused_item()
        assert item is not None
        assert item[0] == kind, item
        await pilot.press("asterisk")
        await pilot.pause()
        assert noted(notes, *item).star, f"{kind} {item[1]} was not starred"
        await pilot.press("t")
        await answer(pilot, "follow-up")
        await pilot.press("a")
        await answer(pilot, "checked against the map")
        check_review(noted(notes, *item), f"{kind} {item[1]}")


async def test_star_tags_and_a_dated_comment_in_a_detail_view(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    async with explorer(tmp_path, (100, 40), notes=notes) as (app, pilot):
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        await pilot.press("asterisk", "t")
        await answer(pilot, "follow-up")
        await pilot.press("a")
        await answer(pilot, "checked against the map")
        check_review(noted(notes, "event", screen.detail.id), "the detail's event")
        body = screen.query_one("#detail-body", ReadingView).plain_text()
        assert "★" in body
        assert "checked against the map" in body


async def test_m_and_p_in_a_contradiction_s_detail(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    async with explorer(tmp_path, (100, 40), notes=notes) as (app, pilot):
        await pilot.press("4")
        table = focused_table(app)
        index = table.index_of(ZOMBIE_SYRSKY)
        assert index is not None
        table.move_to(index)
        await pilot.press("enter", "m")
        await pilot.pause()
        assert (noted(notes, "contradiction", ZOMBIE_SYRSKY)).status == "explained"
        links = app.screen.query_one("#links", VirtualTable)
        claim = links.current
        assert claim is not None
        assert claim.key.startswith("claim:")
        await pilot.press("p")  # the claim under the cursor is the side preferred
        await answer(pilot, "withdrawals, not a rout")
        note = noted(notes, "contradiction", ZOMBIE_SYRSKY)
        assert (note.preferred, note.reason) == (claim.key[6:], "withdrawals, not a rout")
        await pilot.press("m", "m")
        assert (noted(notes, "contradiction", ZOMBIE_SYRSKY)).status == "open"


NOTED = """\
contested-notes: 1
notes:
  contradictions:
    "category~syrsky-under-control~zombie-rout": {star: true, status: explained, \
tags: [follow-up]}
  claims:
    "zombie-rout": {star: true, tags: [follow-up]}
  events:
    "syrsky-statement": {star: true}
  sources:
    "syrsky": {star: true, tags: [follow-up]}
views:
  "russian sources": {filter: "side:russia"}
"""
FOR_ID = {"question:ID": "question:ukraine-situation-kursk",
          "timeline:ID": "timeline:kursk-2025-03-advance"}


def shown_panes(screen: MainScreen) -> dict[str, list[str]]:
    return {pane: keys_of(screen.query_one(f"#{table}", VirtualTable))
            for pane, table in (("timeline", "timeline"), ("sources", "sources"),
                                ("contradictions", "contradictions"),
                                ("figures", "questions"))}


def expected_panes(analysis: Analysis, kept: Filtered) -> dict[str, set[str] | list[str]]:
    catalog = analysis.catalog
    return {
        "timeline": kept.events if kept.events is not None else set(catalog.events.ids),
        "sources": kept.sources if kept.sources is not None else set(catalog.sources.ids),
        "contradictions": sorted(c.id for c in (kept.contradictions if kept.contradictions
                                                is not None else analysis.contradictions)),
        "figures": (kept.questions if kept.questions is not None
                    else set(catalog.questions.ids)),
    }


@pytest.mark.parametrize("word", readme_filter_words())
async def test_every_filter_word_in_the_readme_filters_every_pane(tmp_path: Path,
                                                                  word: str) -> None:
    word = FOR_ID.get(word, word)
    notes = tmp_path / "notes.yaml"
    notes.write_text(NOTED)
    async with explorer(tmp_path, (110, 40), notes=notes, notifications=True) as (app, pilot):
        await pilot.press("f")
        await answer(pilot, word)
        screen = main_screen(app)
        assert not any("not applied" in (n.title or "") for n in app._notifications)
        assert screen.filter.text == word
        assert filter_shown(app, word), header_text(app)
        kept = apply(screen.analysis, parse_filter(word), NotesStore(notes).notes)
        expected = expected_panes(screen.analysis, kept)
        shown = shown_panes(screen)
        for pane, wanted in expected.items():
            got: set[str] | list[str] = sorted(shown[pane]) if isinstance(wanted, list) else set(
                shown[pane])
            assert got == wanted, pane
        await pilot.press("2", "A")
        claims = set(keys_of(focused_table(app)))
        assert claims == (kept.claims if kept.claims is not None
                          else set(screen.analysis.catalog.claims.ids))


async def test_the_titles_and_the_status_count_what_the_filter_keeps(tmp_path: Path) -> None:
    async with explorer(tmp_path, (110, 40)) as (app, pilot):
        await pilot.press("f")
        await answer(pilot, "side:russia")
        screen = main_screen(app)
        catalog = screen.analysis.catalog
        kept = screen.filtered
        assert kept.events is not None
        assert kept.claims is not None
        assert kept.contradictions is not None
        events, claims = len(kept.events), len(kept.claims)
        found = len(kept.contradictions)
        timeline = str(screen.query_one("#timeline", VirtualTable).border_title)
        assert counts(timeline, events, len(catalog.events), "events"), timeline
        status = status_text(app)
        assert counts(status, events, len(catalog.events), "events"), status
        assert counts(status, claims, len(catalog.claims), "claims"), status
        assert counts(status, found, len(screen.analysis.contradictions),
                      "contradictions"), status
        await pilot.press("2", "A")
        title = str(focused_table(app).border_title)
        assert f"2 Claims: {claims}" in title, title
        await pilot.press("4")
        title = str(focused_table(app).border_title)
        assert f"4 Contradictions: {found}" in title, title


async def test_the_filter_is_shown_whole_in_the_header_at_80_columns(tmp_path: Path) -> None:
    async with explorer(tmp_path, (80, 24)) as (app, pilot):
        await pilot.press("f")
        await answer(pilot, "side:russia status:open")
        await pilot.pause()
        assert filter_shown(app, "side:russia status:open"), header_text(app)


async def test_who_contradicts_whom_follows_the_filter(tmp_path: Path) -> None:
    """Each contradiction the filter keeps is counted once between sources and once
    between sides (as without a filter), and no pair the filter left out is listed."""
    async with explorer(tmp_path, (100, 30)) as (app, pilot):
        await pilot.press("f")
        await answer(pilot, "side:russia")
        screen = main_screen(app)
        kept = screen.filtered.contradictions
        assert kept is not None
        for view in (("3", "w"), ("w",)):
            await pilot.press(*view)
            shown = rows(focused_table(app))
            numbers = [int(next(c for c in reversed(row.cells) if c.isdigit()))
                       for row in shown]
            assert sum(numbers) == len(kept), (view, [r.cells for r in shown])


async def test_a_who_contradicts_whom_row_opens_the_contradictions_it_counts(
        tmp_path: Path) -> None:
    async with explorer(tmp_path, (100, 40)) as (app, pilot):
        screen = main_screen(app)
        for mode in ("sources", "sides"):
            await pilot.press("3", "w")
            assert screen.show_pairs == mode
            pairs = [(row.key, row.cells) for row in rows(focused_table(app))]
            assert pairs
            for index, (key, cells) in enumerate(pairs):
                counted = int(next(c for c in reversed(cells) if c.isdigit()))
                focused_table(app).move_to(index)
                await pilot.press("enter")
                assert screen.pane == "contradictions"
                opened = keys_of(focused_table(app))
                assert len(opened) == counted, (mode, key, counted, opened)
                await pilot.press("f")
                await answer(pilot, "")
                await pilot.press("3")
                assert screen.show_pairs == mode


def palette_highlights(app: ContestedApp, title: str) -> bool:
    """Whether the palette is open with `title` highlighted, for enter to run (its hits
    come in batches, each sorted again, while it searches)."""
    screen = app.screen
    if not isinstance(screen, CommandPalette):
        return False
    listed = screen.query_one(CommandList)
    if listed.highlighted is None:
        return False
    hit = getattr(listed.get_option_at_index(listed.highlighted), "hit", None)
    return hit is not None and hit.text == title


async def test_a_saved_view_reopens_from_the_palette(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    NotesStore(notes).save_view("russian sources", View(filter="side:russia"))
    async with explorer(tmp_path, (100, 30), notes=notes) as (app, pilot):
        await pilot.press("ctrl+p", *"View: russian")
        await until(pilot, lambda: palette_highlights(app, "View: russian sources"),
                    "the palette highlighting the view")
        await pilot.press("enter")
        await pilot.pause()
        assert main_screen(app).filter.text == "side:russia"
        assert filter_shown(app, "side:russia"), header_text(app)


async def test_orphaned_notes_are_kept_never_dropped(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    notes.write_text("contested-notes: 1\nnotes:\n  claims:\n"
                     "    gone-claim: {star: true, tags: [kept]}\n")
    async with explorer(tmp_path, (100, 30), notes=notes) as (app, pilot):
        await pilot.press("O")
        await pilot.pause()
        assert isinstance(app.screen, OrphansScreen)
        assert "gone-claim" in keys_of(focused_table(app)) or any(
            "gone-claim" in row.cells for row in rows(focused_table(app)))
        await pilot.press("escape", "2", "asterisk")  # another note saved
        await pilot.pause()
        store = NotesStore(notes)
        assert store.notes.sections["claims"]["gone-claim"] == Note(star=True, tags=("kept",))
        assert len(store.notes.sections["claims"]) == 2


async def test_ctrl_c_quits_when_no_text_is_selected(tmp_path: Path) -> None:
    app = app_on(notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.screen.get_selected_text() is None
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


@pytest.mark.parametrize("where", ["list", "detail"])
async def test_q_quits_from_a_list_and_from_a_detail(tmp_path: Path, where: str) -> None:
    app = app_on(notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        if where == "detail":
            await pilot.press("enter")
            assert isinstance(app.screen, DetailScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


# --- the command table, row by row -----------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`contested ARGS` in this process: its status, standard output and error."""
    capsys.readouterr()
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


BROKEN_CLAIM = "contested: 1\nclaims:\n  - {id: c1, source: nobody, text: x}\n"


def test_validate_as_the_readme_says(tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    catalog = tmp_path / "catalog"
    (catalog / "sub" / "deeper").mkdir(parents=True)
    (catalog / "sources.yaml").write_text(SOURCES)
    bad = catalog / "sub" / "deeper" / "claims.yml"  # .yml, two folders down
    bad.write_text(BROKEN_CLAIM)
    (catalog / "notes.txt").write_text("not: [a timeline\n")  # not *.yaml: not read
    status, out, _ = run(capsys, "validate", str(catalog))
    assert status == 1
    lines = out.splitlines()
    head = re.fullmatch(rf"{re.escape(str(bad))}:(\d+):(\d+): (.+) \[([a-z-]+)\]", lines[0])
    assert head is not None, lines[0]
    line, column = int(head.group(1)), int(head.group(2))
    assert lines[2].startswith(f"{line} |")
    assert lines[2].endswith(BROKEN_CLAIM.splitlines()[line - 1])
    caret = lines[3]
    assert caret.index("^") - caret.index("|") - 2 == column - 1
    assert "notes.txt" not in out
    warnings = [n for n, text in enumerate(lines) if ": warning: " in text]
    assert warnings
    assert min(warnings) > 0  # after the error
    status, out, _ = run(capsys, "validate", "--format", "json", str(catalog))
    assert status == 1
    objects = json.loads(out)
    assert all(set(o) >= {"path", "line", "column", "code", "severity", "message"}
               for o in objects)
    assert {o["severity"] for o in objects} == {"error", "warning"}

    bad.write_text("contested: 1\nclaims:\n  - {id: c1, source: afp, text: x}\n")
    assert run(capsys, "validate", str(catalog))[0] == 0  # warnings alone
    assert run(capsys, "validate", "--strict", str(catalog))[0] == 1
    assert run(capsys, "validate", "--frobnicate")[0] == 2
    status, out, _ = run(capsys, "validate")  # no path: the bundled catalog
    assert status == 0
    assert out.splitlines()[-1].startswith("valid: 4 files")


def contradiction_ids(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    status, out, err = run(capsys, "contradictions", "--json", *args)
    assert status == 0, err
    return [item["id"] for item in json.loads(out)]


def test_contradictions_as_the_readme_says(capsys: pytest.CaptureFixture[str]) -> None:
    analysis = bundled()
    catalog = analysis.catalog
    everything = contradiction_ids(capsys)
    assert len(everything) == len(analysis.contradictions) == 9
    declared = set(contradiction_ids(capsys, "--rule", "declared"))
    disputes = set(contradiction_ids(capsys, "--rule", "disputes"))
    assert declared
    assert disputes
    assert set(contradiction_ids(capsys, "--rule", "declared", "--rule", "disputes")) == (
        declared | disputes)
    gady = contradiction_ids(capsys, "--source", "gady")
    assert gady
    for name in ("Franz-Stefan Gady", "gadi", "Gadi"):  # id, name or part of an alias
        assert contradiction_ids(capsys, "--source", name) == gady, name
    russia = contradiction_ids(capsys, "--side", "russia")
    assert russia
    for item in russia:
        found = analysis.contradictions.get(item)
        assert found is not None
        claims = found.claims
        assert any(catalog.sources[s].side == "russia" for c in claims
                   for s in catalog.claims[c].source)
    question = contradiction_ids(capsys, "--question", "ukraine-situation-kursk")
    assert question
    asked = [analysis.contradictions.get(i) for i in question]
    assert {c.question for c in asked if c is not None} == {"ukraine-situation-kursk"}
    assert None not in asked

    status, out, _ = run(capsys, "contradictions")
    assert status == 0
    blocks = [b for b in out.split("\n\n") if b.strip()]
    listed = []
    for block in blocks:
        lines = [line for line in block.splitlines()
                 if line.startswith("  ") and line.split()[0] != "RULE"]
        if not lines:
            continue
        listed.append([line.split()[-1] for line in lines])
        for line in lines:  # one row per side, the side written out
            claim = catalog.claims[line.split()[-1]]
            sides = {catalog.sources[s].side for s in claim.source}
            assert any(f"[{side}]" in line for side in sides), line
    headings = [line for line in out.splitlines() if line and not line.startswith(" ")]
    questions = {found.question for found in analysis.contradictions if found.question}
    assert {h.split(":")[0] for h in headings} >= questions  # grouped by question
    assert sorted(map(sorted, listed)) == sorted(sorted(f.claims)
                                                  for f in analysis.contradictions)


def test_export_as_the_readme_says(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    analysis = bundled()
    written = {}
    for fmt in ("markdown", "json", "csv"):
        target = tmp_path / f"report.{fmt}"
        status, _, err = run(capsys, "export", "--format", fmt, "-o", str(target))
        assert status == 0, err
        written[fmt] = target.read_text()
    report = written["markdown"]  # the README's list, in its order
    catalog = analysis.catalog
    headings = [line[3:] for line in report.splitlines() if line.startswith("## ")]
    assert [t.title for t in catalog.timelines.values()] == headings[:len(catalog.timelines)]
    assert "**Series (falling):**" in report
    for found in analysis.contradictions:
        assert all(f"`{claim}`" in report for claim in found.claims), found.id
    assert "reliability F" in report
    assert "credibility 6" in report
    quote = catalog.claims["zombie-rout"].quote
    assert quote is not None
    assert quote in report
    assert "relay: Zombie → Russian television → AFP → BTA" in report
    assert all(w.message in report for w in analysis.warnings)
    data = json.loads(written["json"])
    assert isinstance(data, dict)
    assert any("version" in key for key in data)
    assert len(written["csv"].strip().splitlines()) == len(analysis.catalog.claims) + 1
    # -o through a symbolic link replaces the file behind it; the link stays a link
    behind = tmp_path / "real.md"
    behind.write_text("old\n")
    link = tmp_path / "link.md"
    link.symlink_to(behind)
    assert run(capsys, "export", "-o", str(link))[0] == 0
    assert link.is_symlink()
    assert behind.read_text() == written["markdown"]
    assert run(capsys, "export", "-o", str(tmp_path))[0] != 0  # a folder is refused
    notes = tmp_path / "notes.yaml"
    notes.write_text(NOTED)
    status, out, _ = run(capsys, "export", "--notes", str(notes))
    assert status == 0
    assert "**Review:** ★ starred · status: explained" in out


def test_schema_as_the_readme_says(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "schema")
    assert status == 0
    assert "2020-12" in json.loads(out)["$schema"]


def readme_commands() -> list[str]:
    """The commands the command table names (`validate`, `contradictions`, ...)."""
    return [m.group(1) for cell, _ in command_rows()
            if (m := re.match(r"`contested ([a-z][a-z-]*)", cell))]


def test_version_and_every_command_s_help(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--version")
    assert (status, out) == (0, f"contested {__version__}\n")
    commands = readme_commands()
    assert commands == ["validate", "contradictions", "export", "hypotheses", "diff",
                        "import", "serve", "merge-notes", "new", "schema"]
    for command in commands:
        status, out, _ = run(capsys, command, "--help")
        assert status == 0, command
        first = out.splitlines()[0]
        assert first.startswith(f"usage: contested {command} "), first


def test_every_option_in_the_command_table_is_in_its_command_s_help(
        capsys: pytest.CaptureFixture[str]) -> None:
    for cell, what in command_rows():
        found = re.match(r"`contested ([a-z][a-z-]*)", cell)
        if found is None:
            continue
        options = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", f"{cell} {what}"))
        _, out, _ = run(capsys, found.group(1), "--help")
        assert {o for o in options if o not in out} == set(), found.group(1)


def test_the_explorer_s_help_names_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    """`contested --help` names what the README's explorer section names (and
    `--no-cache`, which Big catalogs says the explorer takes)."""
    section = readme_section("The explorer")
    options = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", section)) | {"--no-cache"}
    assert {"--no-mouse", "--notes", "--view"} <= options
    status, out, _ = run(capsys, "--help")
    assert status == 0
    assert {o for o in options if o not in out} == set()
    assert [c for c in readme_commands() if c not in out] == []


# --- the promises of the explorer's prose ----------------------------------------------------


def copy_of_bundled(tmp_path: Path) -> Path:
    catalog = tmp_path / "catalog"
    shutil.copytree(TIMELINES, catalog)
    return catalog


async def test_notes_never_touch_the_timelines_and_are_saved_at_once(tmp_path: Path) -> None:
    catalog = copy_of_bundled(tmp_path)
    before = {p.name: p.read_bytes() for p in catalog.iterdir()}
    app = app_on([catalog])  # no --notes: beside the first folder loaded
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("4", "asterisk")
        await pilot.pause()
        item = app.focused_item()
        assert item is not None
        notes = catalog / "contested-notes.yaml"
        assert NotesStore(notes).get(*item).star  # at once
        after = {p.name: p.read_bytes() for p in catalog.iterdir() if p.suffix == ".yaml"
                 and p.name != notes.name}
        assert after == before
        assert app.notes is not None
        assert app.notes.path == notes


async def test_the_bundled_timelines_keep_their_notes_in_the_user_s_data_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app = app_on()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("asterisk")
        await pilot.pause()
    notes = tmp_path / "data" / "contested" / "contested-notes.yaml"
    assert NotesStore(notes).notes.sections["events"]


async def test_a_notes_file_behind_a_link_stays_a_link_in_the_explorer(tmp_path: Path) -> None:
    shared = tmp_path / "team" / "notes.yaml"
    shared.parent.mkdir()
    NotesStore(shared).change("claim", "zombie-rout", lambda n: n.model_copy(
        update={"tags": ("theirs",)}))
    link = tmp_path / "mine" / "contested-notes.yaml"
    link.parent.mkdir()
    link.symlink_to(shared)
    async with explorer(tmp_path, (100, 30), notes=link) as (app, pilot):
        await pilot.press("4", "asterisk")
        await pilot.pause()
        item = app.focused_item()
        assert item is not None
        assert app.notes is not None
        assert app.notes.lock_path == NotesStore(shared).lock_path
    assert link.is_symlink()
    store = NotesStore(shared)
    assert store.get("claim", "zombie-rout").tags == ("theirs",)
    assert store.get(*item).star


def unblock(path: Path) -> None:
    """Let go of a reader waiting on the FIFO at `path`, if one is."""
    with suppress(OSError):
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))


@pytest.mark.parametrize("kind", ["broken", "too-large", "fifo", "folder", "mode-444"])
async def test_a_notes_file_that_cannot_be_read_or_written_is_shown_read_only(
        tmp_path: Path, kind: str) -> None:
    notes = tmp_path / "notes.yaml"
    if kind == "broken":
        notes.write_text("contested-notes: 1\nnotes: [unclosed\n")
    elif kind == "too-large":
        with notes.open("wb") as sparse:
            sparse.truncate(NOTES_LIMIT + 1)
    elif kind == "fifo":
        os.mkfifo(notes)
    elif kind == "folder":
        notes.mkdir()
    else:
        NotesStore(notes).change("contradiction", ZOMBIE_SYRSKY, lambda n: n.model_copy(
            update={"tags": ("kept",)}))
        notes.chmod(0o444)
    before = notes.lstat()
    content = notes.read_bytes() if kind in ("broken", "mode-444") else None
    try:
        async with explorer(tmp_path, (100, 30), notes=notes) as (app, pilot):
            assert "NOTES READ-ONLY" in status_text(app)
            await pilot.press("4")
            table = focused_table(app)
            index = table.index_of(ZOMBIE_SYRSKY)
            assert index is not None
            table.move_to(index)
            if kind == "mode-444":
                assert table.current is not None
                assert "#kept" in table.current.cells[-1]  # its notes are shown
            await pilot.press("asterisk")
            await pilot.pause()
            assert app.is_running
    finally:
        if kind == "fifo":
            unblock(notes)
    after = notes.lstat()
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode)
    assert (after.st_ino, after.st_size, after.st_mode) == (
        before.st_ino, before.st_size, before.st_mode)
    if content is not None:
        assert notes.read_bytes() == content


FIGURES_FILE = "kursk-2025-02-figures.yaml"


async def test_every_pane_keeps_its_cursor_on_the_same_id_after_a_reload(tmp_path: Path
                                                                         ) -> None:
    catalog = copy_of_bundled(tmp_path)
    figures = catalog / FIGURES_FILE
    async with explorer(tmp_path, (100, 30), paths=[catalog]) as (app, pilot):
        where = {}
        for pane, moves in (("1", ("G", "k")), ("2", ("A", "G", "k")), ("3", ("G", "k")),
                            ("4", ("G", "k")), ("5", ("G",))):
            await pilot.press(pane, *moves)
            current = focused_table(app).current
            assert current is not None
            where[pane] = current.key
        text = figures.read_text()  # an event dated first: every row after it moves
        figures.write_text(text.replace("events:\n", "events:\n  - {id: earliest-news, "
                                        "date: 2023-01, title: Something earlier}\n", 1))
        await until(pilot, lambda: app.reloads == 1, "the reload")
        await pilot.pause()
        assert "earliest-news" in keys_of(main_screen(app).query_one("#timeline",
                                                                      VirtualTable))
        for pane, key in where.items():
            await pilot.press(pane)
            current = focused_table(app).current
            assert current is not None
            assert current.key == key, pane


async def test_a_change_that_breaks_the_catalog_is_reported_at_80_columns(tmp_path: Path
                                                                          ) -> None:
    catalog = copy_of_bundled(tmp_path)
    figures = catalog / FIGURES_FILE
    async with explorer(tmp_path, (80, 24), paths=[catalog],
                        notifications=True) as (app, pilot):
        shown = keys_of(focused_table(app))
        figures.write_text(figures.read_text() + "\n  - [broken\n")
        problems = len(load_catalog([catalog]).diagnostics)
        assert problems
        await until(pilot, lambda: bool(app._notifications) or "reloaded" in status_text(app)
                    .lower(), "a report of the broken file")
        await until(pilot, lambda: f"{problems} problem" in status_text(app).lower(),
                    "the status bar counting the problems")
        assert keys_of(focused_table(app)) == shown  # the last good catalog
        status = status_text(app).lower()  # what stays once the notification has gone
        assert "not reloaded" in status, status
        assert f"{problems} problem" in status, status


async def test_the_note_column_appears_once_something_has_a_note(tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    async with explorer(tmp_path, (120, 40), notes=notes) as (app, pilot):
        screen = main_screen(app)

        def titles(table: str) -> list[str]:
            return [c.title for c in screen.query_one(f"#{table}", VirtualTable).columns]

        for name in ("timeline", "claims", "sources", "contradictions"):
            assert "NOTE" not in titles(name), name
        await pilot.press("4")
        table = focused_table(app)
        index = table.index_of(ZOMBIE_SYRSKY)
        assert index is not None
        table.move_to(index)
        await pilot.press("asterisk", "m", "t")
        await answer(pilot, "follow-up")
        for comment in ("first", "second"):
            await pilot.press("a")
            await answer(pilot, comment)
        assert "NOTE" in titles("contradictions")
        assert table.current is not None
        assert table.current.cells[-1] == "★ explained #follow-up ✎2"
        assert "★ explained #follow-up ✎2" in screen_text(app)
        for other in ("timeline", "claims", "sources"):
            assert "NOTE" not in titles(other), other  # nothing in them has a note
        await pilot.press("1", "asterisk")
        assert "NOTE" in titles("timeline")


AGREEING = """\
contested: 1
sources:
  - {id: kyiv, name: Kyiv Independent, kind: media, side: ukraine}
  - {id: meduza, name: Meduza, kind: media, side: russia}
  - {id: tass, name: TASS, kind: state-media, side: russia}
questions:
  - {id: bridge, text: Is the bridge standing?, kind: category, values: [standing, down]}
events:
  - {id: strike, date: 2025-03, title: A strike on the bridge}
claims:
  - {id: kyiv-down, source: kyiv, event: strike, text: Down, about: bridge, value: down,
     as_of: 2025-03}
  - {id: meduza-down, source: meduza, event: strike, text: Down, about: bridge, value: down,
     as_of: 2025-03}
  - {id: tass-standing, source: tass, event: strike, text: Standing, about: bridge,
     value: standing, as_of: 2025-03}
"""


async def test_marks_agreement_and_sides_written_out(tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "bridge.yaml").write_text(AGREEING)
    async with explorer(tmp_path, (100, 30), paths=[folder]) as (app, pilot):
        analysis = main_screen(app).analysis
        await pilot.press("2", "A")
        table = focused_table(app)
        marks = {row.key: (row.cells[0], row.cells[5]) for row in rows(table)}
        for claim_id, (mark, agree) in marks.items():
            involved = sum(1 for c in analysis.contradictions if claim_id in c.claims)
            assert mark == (f"!{involved}" if involved else ""), claim_id
            found = analysis.corroboration.get(claim_id)
            origins = found.agreeing_origins if found is not None else 0
            assert agree == (f"+{origins}" if origins else ""), claim_id
        assert marks["kyiv-down"] == ("!1", "+1")  # two independent origins agree
        assert marks["tass-standing"][0] == "!2"
        await pilot.press("3", "w")
        shown = screen_text(app)
        assert "[russia]" in shown
        assert "[ukraine]" in shown


async def test_partial_goes_once_the_broken_file_is_fixed(tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "sources.yaml").write_text(SOURCES)
    broken = folder / "broken.yaml"
    broken.write_text(BROKEN_CLAIM)
    (folder / "fine.yaml").write_text(
        "contested: 1\nclaims:\n  - {id: c2, source: afp, text: x}\n")
    app = app_on([folder], notes=tmp_path / "notes.yaml")
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, ErrorsScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, ContextScreen)  # the line in context
        await pilot.press("escape", "c")
        await pilot.pause()
        assert "PARTIAL" in header_text(app)
        assert "PARTIAL" in status_text(app)
        broken.write_text("contested: 1\nclaims:\n  - {id: c1, source: afp, text: x}\n")
        await until(pilot, lambda: "c1" in main_screen(app).analysis.catalog.claims,
                    "the fixed file loaded")
        await pilot.pause()
        assert "PARTIAL" not in header_text(app), header_text(app)
        assert "PARTIAL" not in status_text(app), status_text(app)


@pytest.mark.parametrize("where", ["list", "detail fields", "detail links", "help"])
async def test_every_key_in_force_has_an_id_shown_in_help(tmp_path: Path, where: str) -> None:
    async with explorer(tmp_path, (100, 40)) as (app, pilot):
        if where.startswith("detail"):
            await pilot.press("enter")
            if where == "detail fields":
                await pilot.press("tab")
        if where == "help":
            await pilot.press("question_mark")
        active = app.screen.active_bindings
        without = sorted(f"{key} ({b.binding.action})" for key, b in active.items()
                         if not b.binding.id)
        assert without == [], f"keys with no id: {without}"
        if where == "help":
            return
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = app.screen.query_one("#help-box", ReadingView).plain_text()
        assert {b.binding.id for b in active.values()
                if b.binding.id and b.binding.id not in shown} == set()


async def test_the_readme_keymap_example_works(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    example = code_block(readme_section("The explorer"), "toml")
    (config / "keymap.toml").write_text(example)
    async with explorer(tmp_path, keymap=config, notifications=True) as (app, pilot):
        assert not app._notifications, [n.message for n in app._notifications]
        await pilot.press("c")
        assert main_screen(app).pane == "contradictions"
        await pilot.press("1", "4")
        assert main_screen(app).pane == "contradictions"
        await pilot.press("question_mark")
        shown = app.screen.query_one("#help-box", ReadingView).plain_text()
        assert re.search(r"4, c\s+Contradictions", shown), shown
        await pilot.press("escape", "ctrl+q")
        await pilot.pause()
        assert not app.is_running


def test_the_readme_tables_are_read() -> None:
    """The parsing the meta-tests rely on reads what a person reads."""
    assert key_rows()[0][0] == "`1`…`5`"
    assert key_rows()[-1][0] == "`q`, `ctrl+c`, `ctrl+z`"
    assert command_rows()[2][0].startswith("`contested export [--format markdown|json|csv]")
    assert readme_filter_words()[0] == "side:ukraine"
    assert len(readme_filter_words()) == 15
