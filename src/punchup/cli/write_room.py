"""`punchup write alts | rewrite | punchup`: pitches for a setup, a line or a passage, and accepting one.

Nothing is saved until --pick (or --accept for a pass) names the pitch; the
same command with --pick draws it again from the store, so no model call.
"""

from __future__ import annotations

from pathlib import Path

import click

from punchup.cli.write_common import (
    judge_option,
    model_options,
    open_studio,
    DraftPrinter,
    run_async,
    steering_from,
    steering_options,
    story_option,
)
from punchup.cli.options import store_option
from punchup.util.textfiles import read_user_text

ALTS_HELP = """Alts: N ranked alternates for a setup, or for a line in a scene, with your own alts ranked among them.

\b
  punchup write alts --setup "My dentist retired." -n 10 --mine my-alts.txt
  punchup write alts script-2 --quote "You can't stay." -n 5
  punchup write alts script-2 --quote "You can't stay." --pick 3   (puts alt 3 in)

Keepers (the top --keep by the judge) are starred. --more draws new seeds and
ranks them with every alt drawn before for the same setup.
"""


def passage_options(fn):
    fn = click.option("--quote", "-q", default=None, help="The passage, quoted exactly (no character offsets needed).")(fn)
    fn = click.option("--line", "line_no", type=click.IntRange(1), default=None, help="Line N of the node's text.")(fn)
    fn = click.option("--span", default=None, help="START:END character offsets (end exclusive).")(fn)
    fn = click.option("--occurrence", type=click.IntRange(1), default=None, help="Which occurrence of --quote, if it repeats.")(fn)
    return fn


def board_options(fn):
    fn = click.option("--more", is_flag=True, help="Draw N new seeds, after every seed drawn before.")(fn)
    fn = click.option("--keep", type=click.IntRange(0, 50), default=3, show_default=True, help="How many to star as keepers.")(fn)
    fn = click.option("--mine", "mine_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                      help="A file of your own alts, one per line (numbers and bullets are fine).")(fn)
    fn = click.option("--alt", "mine_alts", multiple=True, help="One of your own alts (repeatable).")(fn)
    fn = click.option("--pick", default=None, help="Accept this pitch (a number, or W1.. for yours) into the text.")(fn)
    return fn


def own_alts(mine_file: Path | None, mine_alts: tuple[str, ...]) -> list[str]:
    from punchup.studio.outline import beat_entries

    texts = list(mine_alts)
    if mine_file is not None:
        texts += beat_entries(read_user_text(mine_file, "alts file", allow_empty=False))
    return texts


@click.command("alts", help=ALTS_HELP)
@click.argument("node", required=False)
@click.option("--setup", "-s", default=None, help="The setup (premise of the joke), when it is not a line in a scene.")
@click.option("-n", "n", type=click.IntRange(1, 30), default=5, show_default=True, help="Alts to draw.")
@passage_options
@board_options
@steering_options
@judge_option
@model_options
@story_option
@store_option
def alts(node, setup, n, quote, line_no, span, occurrence, more, keep, mine_file, mine_alts, pick, notes, tone, fmt,
         length, unusual, judge, model, seed, max_tokens, base_url, story_id, store) -> None:
    steering = steering_from(notes, tone, fmt, length, unusual)
    mine = own_alts(mine_file, mine_alts)
    studio = open_studio(store, base_url, max_tokens)
    show = DraftPrinter()
    if node is None:
        if pick is not None:
            raise click.UsageError("--pick puts an alt into a scene: name the NODE and the line (--quote or --line)")
        if setup is None:
            raise click.UsageError('give --setup "..." or a NODE with --quote/--line')
        board = run_async(studio, lambda s: s.alts(setup, n=n, mine=mine, steering=steering, seed=seed, more=more,
                                                    keep=keep, judge=judge, model=model, on_draft=show))
        from punchup.studio.present_room import board_report

        click.echo(board_report(board))
        return
    if setup is not None:
        raise click.UsageError("--setup is for a bare joke; for a line in NODE use --quote or --line")
    place = dict(quote=quote, line=line_no, span=span, occurrence=occurrence)
    board, view = run_async(studio, lambda s: s.pitch_and_pick(
        node, "alts", place, pick=pick, n=n, mine=mine, steering=steering, seed=seed, more=more, keep=keep,
        judge=judge, model=model, story_id=story_id, on_draft=show))
    from punchup.studio.present_room import board_report

    click.echo(board_report(board, picked=pick, view=view))


@click.command("rewrite")
@click.argument("node")
@passage_options
@click.option("--instruction", "-i", default="", help="What should change.")
@click.option("-n", "n", type=click.IntRange(1, 20), default=3, show_default=True, help="Alternatives for the passage.")
@click.option("--continue", "continue_", is_flag=True, help="Append a continuation instead (saved at once; undo reverts it).")
@click.option("--words", type=click.IntRange(1, 20000), default=None, help="Shorten or expand the whole text to about N words.")
@board_options
@steering_options
@judge_option
@model_options
@story_option
@store_option
def rewrite(node, quote, line_no, span, occurrence, instruction, n, continue_, words, more, keep, mine_file, mine_alts,
            pick, notes, tone, fmt, length, unusual, judge, model, seed, max_tokens, base_url, story_id, store) -> None:
    """N rewrites of a passage of NODE side by side (nothing saved), then --pick K puts one in.

    Name the passage with --quote "exact words", --line N or --span START:END;
    everything outside it stays byte-identical. Or --continue / --words N.
    """
    modes = [name for name, given in (("a passage", any(v is not None for v in (quote, line_no, span))),
                                      ("--continue", continue_), ("--words", words is not None)) if given]
    if len(modes) != 1:
        raise click.UsageError("give exactly one of a passage (--quote, --line or --span), --continue or --words N")
    studio = open_studio(store, base_url, max_tokens)
    if continue_:
        result = run_async(studio, lambda s: s.continue_text(node, instruction=instruction, story_id=story_id, model=model, seed=seed))
        click.echo(rewrite_report(result))
        return
    if words is not None:
        result = run_async(studio, lambda s: s.resize(node, words, instruction=instruction, story_id=story_id, model=model, seed=seed))
        click.echo(rewrite_report(result))
        return
    steering = steering_from(notes, tone, fmt, length, unusual)
    place = dict(quote=quote, line=line_no, span=span, occurrence=occurrence)
    board, view = run_async(studio, lambda s: s.pitch_and_pick(
        node, "rewrite", place, pick=pick, n=n, instruction=instruction, mine=own_alts(mine_file, mine_alts),
        steering=steering, seed=seed, more=more, keep=keep, judge=judge, model=model, story_id=story_id,
        on_draft=DraftPrinter()))
    from punchup.studio.present_room import board_report

    click.echo(board_report(board, picked=pick, view=view))


@click.command("punchup")
@click.argument("node")
@click.option("-n", "n", type=click.IntRange(1, 10), default=2, show_default=True, help="Alts per line.")
@click.option("--lines", "max_lines", type=click.IntRange(1, 60), default=6, show_default=True,
              help="How many lines (dialogue in a script, sentences elsewhere) to work through.")
@click.option("--accept", "accepts", default=None,
              help="Put pitches in: LINE:ALT pairs, comma-separated (e.g. 1:2,4:1), as the pass printed them.")
@steering_options
@judge_option
@model_options
@story_option
@store_option
def punchup(node, n, max_lines, accepts, notes, tone, fmt, length, unusual, judge, model, seed, max_tokens, base_url,
            story_id, store) -> None:
    """A punch-up pass over NODE: N alts for each line, side by side with the line; nothing saved without --accept."""
    steering = steering_from(notes, tone, fmt, length, unusual)
    studio = open_studio(store, base_url, max_tokens)
    picks = parse_accepts(accepts) if accepts else None
    result, view = run_async(studio, lambda s: s.punch_pass(
        node, n=n, max_lines=max_lines, steering=steering, seed=seed, judge=judge, model=model, story_id=story_id,
        accept=picks, on_draft=DraftPrinter()))
    from punchup.studio.present_room import pass_report

    click.echo(pass_report(result, view=view))


def parse_accepts(raw: str) -> dict[int, str]:
    picks: dict[int, str] = {}
    for part in raw.split(","):
        line, sep, ref = part.strip().partition(":")
        if not sep or not line.strip().isdigit() or not ref.strip():
            raise click.BadParameter(f"'{part.strip()}' is not LINE:ALT (e.g. 2:1 or 3:W1)", param_hint="--accept")
        picks[int(line)] = ref.strip().upper()
    return picks


def rewrite_report(result) -> str:
    from punchup.studio.present import rewrite_report as render

    return render(result)


ROOM_COMMANDS = (alts, rewrite, punchup)
