"""`punchup write ...`: the studio's click commands. Parse, call Studio, print; nothing else."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any, Awaitable, Callable, TypeVar

import click

from punchup.cli.options import base_url_option, store_option
from punchup.util.textfiles import read_user_text
from punchup.studio.defaults import NO_JUDGE
from punchup.studio.present import (
    authorship_text,
    cascade_report,
    expand_report,
    node_detail,
    node_line,
    rewrite_report,
    story_line,
    story_tree,
)

if TYPE_CHECKING:  # the engine, judges and exporters load inside commands: `punchup --help` stays quick
    from punchup.studio.studio import Studio

T = TypeVar("T")

NODE_HELP = """\
Node ids are short labels: logline, premise, characters (the story bible),
beats, scene-N, and script-N (screenplays) or prose-N (short fiction), with N
the scene number. They are case-insensitive and "scene 3" or "scene3" work too.
Every command acts on the most recently created story unless --story ID names
another (list them with `punchup write stories`).
"""


def story_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--story", "story_id", type=int, default=None, help="Story id (default: the most recent).")(fn)


def judge_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--judge", "judge", default=None,
        help=f"Judge spec that ranks alternatives (default: the writer model; '{NO_JUDGE}' skips ranking).",
    )(fn)


def model_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--model", "-m", "model", default=None, help="Writer model provider/name (default: env PUNCHUP_MODEL or local/smollm2).")(fn)
    fn = click.option("--seed", type=int, default=0, show_default=True, help="Base seed: draft i (from 0) of a run uses seed + i.")(fn)
    fn = click.option("--max-tokens", type=click.IntRange(16, 32768), default=None, help="Cap on generated tokens per call.")(fn)
    return base_url_option(fn)


def open_studio(store: str, base_url: str | None = None, max_tokens: int | None = None) -> "Studio":
    from punchup.studio.studio import Studio

    return Studio.open(store, base_url=base_url, max_tokens=max_tokens)


def run_async(studio: "Studio", work: Callable[["Studio"], Awaitable[T]]) -> T:
    async def go() -> T:
        try:
            return await work(studio)
        finally:
            await studio.aclose()

    return asyncio.run(go())


@click.group("write", context_settings={"help_option_names": ["-h", "--help"]}, help=f"""Co-write a screenplay or short story: generate, choose, edit, cascade.

\b
{NODE_HELP}""")
def write() -> None:
    pass


@write.command("new")
@click.argument("logline")
@click.option("--pack", default="screenplay", show_default=True, help="screenplay (Fountain scripts) or fiction (prose), or a pack file.")
@click.option("--title", default=None, help="Title (default: the logline's first words).")
@store_option
def new(logline: str, pack: str, title: str | None, store: str) -> None:
    """Start a story from a LOGLINE you wrote."""
    story = open_studio(store).new(logline, pack=pack, title=title)
    click.echo(story_line(story))
    click.echo("next: punchup write expand logline -n 3   (premises from the logline)")


@write.command("stories")
@store_option
def stories(store: str) -> None:
    """List the stories in the store, newest first."""
    listed = open_studio(store).stories()
    if not listed:
        click.echo('no stories yet; start one with: punchup write new "LOGLINE"')
    for story in listed:
        click.echo(story_line(story))


@write.command("show")
@click.argument("node", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
@story_option
@store_option
def show(node: str | None, as_json: bool, story_id: int | None, store: str) -> None:
    """The story tree (status fresh/stale/empty, locked, provenance share), or one NODE with its alternatives."""
    studio = open_studio(store)
    record = studio.node(node, story_id) if node else studio.show(story_id)
    if as_json:
        click.echo(record.model_dump_json(indent=2))
    else:
        click.echo(node_detail(record) if node else story_tree(record))  # type: ignore[arg-type]


@write.command("expand", help=f"""Generate N ranked alternatives for NODE, best first.

\b
A NODE that already has a chosen text expands into its next child kind:
logline -> premise -> characters -> beats -> scenes (one scene node per
numbered beat), scene-N -> script-N / prose-N. A node without a chosen text,
a node not created yet, or any node with --more gets alternatives itself.
Draft i (from 0) uses seed --seed + i; re-running makes no model calls.

\b
{NODE_HELP}""")
@click.argument("node")
@click.option("-n", "n", type=click.IntRange(1, 20), default=3, show_default=True, help="Alternatives to generate.")
@click.option("--unusual", is_flag=True, help="Premises: one unusual thing, everything else played straight.")
@click.option("--more", is_flag=True, help="More alternatives for NODE itself even though it has a chosen text.")
@click.option("--scenes", "max_scenes", type=click.IntRange(1, 200), default=None, help="Expanding beats: make at most this many scenes.")
@judge_option
@model_options
@story_option
@store_option
def expand(node: str, n: int, unusual: bool, more: bool, max_scenes: int | None, model: str | None, judge: str | None,
           seed: int, max_tokens: int | None, base_url: str | None, story_id: int | None, store: str) -> None:
    studio = open_studio(store, base_url, max_tokens)
    result = run_async(studio, lambda s: s.expand(node, story_id=story_id, n=n, unusual=unusual, model=model, judge=judge,
                                                  seed=seed, more=more, max_scenes=max_scenes))
    click.echo(expand_report(result))


@write.command("choose")
@click.argument("node")
@click.argument("alternative", type=int)
@story_option
@store_option
def choose(node: str, alternative: int, story_id: int | None, store: str) -> None:
    """Make alternative number ALTERNATIVE the chosen text of NODE (what was built on the old text goes stale)."""
    click.echo(node_line(open_studio(store).choose(node, alternative, story_id)))


def _read_text_file(path: Path) -> str:
    return read_user_text(path, "file", allow_empty=True)


def _without_final_newline(text: str) -> str:
    # Editors and files end with a newline the writer did not mean as part of the node.
    return text[:-2] if text.endswith("\r\n") else text[:-1] if text.endswith("\n") else text


@write.command("edit")
@click.argument("node")
@click.option("--file", "-f", "file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Take the new text from this file instead of $EDITOR.")
@story_option
@store_option
def edit(node: str, file: Path | None, story_id: int | None, store: str) -> None:
    """Replace NODE's text with yours (from --file, else $EDITOR); also writes a node from scratch."""
    studio = open_studio(store)
    if file is not None:
        text = _read_text_file(file)
    else:
        current = studio.text(node, story_id) or ""  # a node not written yet opens an empty editor
        edited = click.edit(current, extension=".fountain" if "script" in node.lower() else ".txt")
        if edited is None:
            click.echo("no changes saved")
            return
        text = edited
    click.echo(node_line(studio.edit(node, _without_final_newline(text), story_id)))


@write.command("accept")
@click.argument("node")
@story_option
@store_option
def accept(node: str, story_id: int | None, store: str) -> None:
    """Keep a stale NODE as it is and mark it fresh against its parents' current texts."""
    click.echo(node_line(open_studio(store).accept(node, story_id)))


@write.command("lock")
@click.argument("node")
@story_option
@store_option
def lock(node: str, story_id: int | None, store: str) -> None:
    """Lock NODE: cascades never touch it (nor what is built on it); edits are refused."""
    click.echo(node_line(open_studio(store).lock(node, story_id)))


@write.command("unlock")
@click.argument("node")
@story_option
@store_option
def unlock(node: str, story_id: int | None, store: str) -> None:
    """Unlock NODE."""
    click.echo(node_line(open_studio(store).unlock(node, story_id)))


@write.command("undo")
@click.argument("node")
@story_option
@store_option
def undo(node: str, story_id: int | None, store: str) -> None:
    """Restore NODE's previous version (text, provenance and what it was built on)."""
    click.echo(node_line(open_studio(store).undo(node, story_id)))


@write.command("cascade")
@click.argument("node")
@click.option("--include-human", is_flag=True, help="Also regenerate stale nodes the writer mostly wrote.")
@click.option("-n", "n", type=click.IntRange(1, 20), default=1, show_default=True, help="Drafts per regenerated node (the judge picks the best).")
@judge_option
@model_options
@story_option
@store_option
def cascade(node: str, include_human: bool, n: int, model: str | None, judge: str | None, seed: int,
            max_tokens: int | None, base_url: str | None, story_id: int | None, store: str) -> None:
    """Regenerate the stale descendants of NODE in dependency order; locked and human-written nodes are kept."""
    studio = open_studio(store, base_url, max_tokens)
    report = run_async(studio, lambda s: s.cascade(node, story_id=story_id, include_human=include_human, n=n,
                                                   model=model, judge=judge, seed=seed))
    click.echo(cascade_report(report))


@write.command("rewrite")
@click.argument("node")
@click.option("--span", default=None, help="START:END character offsets (end exclusive) of the passage to rewrite.")
@click.option("--instruction", "-i", default="", help="What should change.")
@click.option("--continue", "continue_", is_flag=True, help="Append a continuation instead.")
@click.option("--words", type=click.IntRange(1, 20000), default=None, help="Shorten or expand the whole text to about N words.")
@model_options
@story_option
@store_option
def rewrite(node: str, span: str | None, instruction: str, continue_: bool, words: int | None, model: str | None,
            seed: int, max_tokens: int | None, base_url: str | None, story_id: int | None, store: str) -> None:
    """Rewrite a span of NODE (the rest stays byte-identical), continue it, or resize it to N words."""
    modes = [name for name, given in (("--span", span is not None), ("--continue", continue_), ("--words", words is not None)) if given]
    if len(modes) != 1:
        raise click.UsageError("give exactly one of --span START:END, --continue or --words N")
    studio = open_studio(store, base_url, max_tokens)
    if span is not None:
        from punchup.studio.rewrite import parse_span

        text = studio.node(node, story_id).node.text or ""
        start, end = parse_span(span, len(text))
        result = run_async(studio, lambda s: s.rewrite(node, start, end, instruction, story_id=story_id, model=model, seed=seed))
    elif continue_:
        result = run_async(studio, lambda s: s.continue_text(node, instruction=instruction, story_id=story_id, model=model, seed=seed))
    else:
        result = run_async(studio, lambda s: s.resize(node, words or 0, instruction=instruction, story_id=story_id, model=model, seed=seed))
    click.echo(rewrite_report(result))


@write.command("authorship")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@story_option
@store_option
def authorship(as_json: bool, story_id: int | None, store: str) -> None:
    """Who wrote what: human and per-model character shares, per scene and overall, and edit distances."""
    report = open_studio(store).authorship(story_id)
    click.echo(report.model_dump_json(indent=2) if as_json else authorship_text(report))


@write.command("export")
@click.option("--format", "fmt", type=click.Choice(["fountain", "pdf", "fdx", "md"]), required=True,
              help="fountain, pdf or fdx for screenplays (PDF/FDX through screenplain); md for short fiction.")
@click.option("-o", "--output", default=None, help="File to write, or a folder (default: a safe name from the title in the current folder).")
@story_option
@store_option
def export(fmt: str, output: str | None, story_id: int | None, store: str) -> None:
    """Export the story's chosen texts as a screenplay or a Markdown story."""
    result = open_studio(store).export(fmt, output, story_id)  # type: ignore[arg-type]
    click.echo(f"wrote {result.path} ({result.format}, {result.bytes:,} bytes)")
