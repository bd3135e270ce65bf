"""`punchup write ...`: the studio's click commands. Parse, call Studio, print; nothing else."""

from __future__ import annotations

from pathlib import Path

import click

from punchup.cli.options import store_option
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
from punchup.cli.write_room import ROOM_COMMANDS
from punchup.util.textfiles import read_user_text
from punchup.studio.present import (
    authorship_text,
    cascade_report,
    expand_report,
    node_detail,
    node_line,
    story_line,
    story_tree,
)

NODE_HELP = """\
Node ids are short labels: logline, premise, characters (the story bible),
beats, scene-N, and script-N (screenplays) or prose-N (short fiction), with N
the scene number. They are case-insensitive and "scene 3" or "scene3" work too.
Every command acts on the most recently created story unless --story ID names
another (list them with `punchup write stories`).
"""


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


@write.command("story")
@click.option("--title", default=None, help="Rename the story.")
@click.option("--author", default=None, help="Your name, for the title page.")
@click.option("--structure", default=None,
              help="Beat template: tv-half-hour, tv-hour, feature, short, '' for the generic outline.")
@click.option("--structure-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Your own beat slots, one per line.")
@click.option("--format", "fmt", default=None, help="Default format for every generation (multi-cam, single-cam, ...; '' for none).")
@click.option("--delete", is_flag=True, help="Delete the story and everything in it (asks first unless --yes).")
@click.option("--yes", is_flag=True, help="Do not ask before --delete.")
@story_option
@store_option
def story(title, author, structure, structure_file, fmt, delete, yes, story_id, store) -> None:
    """Show or change the story's title, author, structure and format, or delete it."""
    studio = open_studio(store)
    current = studio.story(story_id)
    if delete:
        if not yes:
            click.confirm(f"delete story {current.id} ({current.title}) and all its nodes?", abort=True)
        studio.delete_story(current.id)
        click.echo(f"deleted story {current.id}: {current.title}")
        return
    if structure_file is not None:
        structure = read_user_text(structure_file, "structure file", allow_empty=False)
    if any(v is not None for v in (title, author, structure, fmt)):
        current = studio.update_story(current.id, title=title, author=author, structure=structure, format=fmt)
    click.echo(story_line(current))
    settings = current.settings
    click.echo(f"  author: {settings.author or '(not set)'} · structure: {(settings.structure or 'generic').splitlines()[0]}"
               f" · format: {settings.format or '(none)'}")


@write.command("show")
@click.argument("node", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
@click.option("--provenance", is_flag=True, help="Mark in NODE's text who wrote each part (yours plain, the model's marked).")
@story_option
@store_option
def show(node: str | None, as_json: bool, provenance: bool, story_id: int | None, store: str) -> None:
    """The story tree (status fresh/stale/empty, locked, provenance share), or one NODE with its alternatives."""
    studio = open_studio(store)
    record = studio.node(node, story_id) if node else studio.show(story_id)
    if as_json:
        click.echo(record.model_dump_json(indent=2))
    else:
        click.echo(node_detail(record, provenance=provenance) if node else story_tree(record))  # type: ignore[arg-type]


@write.command("expand", help=f"""Generate N ranked alternatives for NODE, best first.

\b
A NODE that already has a chosen text expands into its next child kind:
logline -> premise -> characters -> beats -> scenes (one scene node per
numbered beat), scene-N -> script-N / prose-N. A node without a chosen text,
a node not created yet, or any node with --more gets alternatives itself.
Draft i (from 0) uses seed --seed + i; re-running makes no model calls;
--more draws seeds this node never had, so it always brings new drafts.
Every draft lands on stderr as it is done, and records its recipe.

\b
{NODE_HELP}""")
@click.argument("node")
@click.option("-n", "n", type=click.IntRange(1, 20), default=3, show_default=True, help="Alternatives to generate.")
@click.option("--more", is_flag=True, help="N new alternatives for NODE itself, on seeds it never had.")
@click.option("--scenes", "max_scenes", type=click.IntRange(1, 200), default=None, help="Expanding beats: make at most this many scenes.")
@steering_options
@judge_option
@model_options
@story_option
@store_option
def expand(node: str, n: int, more: bool, max_scenes: int | None, notes: str, tone: str, fmt: str | None, length: str,
           unusual: bool, model: str | None, judge: str | None, seed: int, max_tokens: int | None, base_url: str | None,
           story_id: int | None, store: str) -> None:
    steering = steering_from(notes, tone, fmt, length, unusual)
    studio = open_studio(store, base_url, max_tokens)
    result = run_async(studio, lambda s: s.expand(node, story_id=story_id, n=n, model=model, judge=judge, seed=seed,
                                                  more=more, max_scenes=max_scenes, steering=steering,
                                                  on_draft=DraftPrinter()))
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
@click.option("--force", is_flag=True, help="Replace the file if it exists (it is written whole, then renamed into place).")
@click.option("--allow-stale", is_flag=True, help="Export even with stale scenes or scenes without a script (those are left out).")
@click.option("--disclosure", is_flag=True, help="Also write the authorship disclosure beside it (NAME.authorship.md).")
@story_option
@store_option
def export(fmt: str, output: str | None, force: bool, allow_stale: bool, disclosure: bool, story_id: int | None,
           store: str) -> None:
    """Export the story's chosen texts as a screenplay or a Markdown story (title page from `write story`)."""
    result = open_studio(store).export(fmt, output, story_id, force=force, allow_stale=allow_stale,  # type: ignore[arg-type]
                                       disclosure=disclosure)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"wrote {result.path} ({result.format}, {result.bytes:,} bytes)")
    if result.disclosure:
        click.echo(f"wrote {result.disclosure} (authorship disclosure)")


@write.command("license")
@click.option("--train/--no-train", "train", default=None, help="Allow (--train) or withdraw (--no-train) training on this story.")
@click.option("--by", "granted_by", default=None, help="Who decides (default: the story's author from `write story`).")
@story_option
@store_option
def license_(train: bool | None, granted_by: str | None, story_id: int | None, store: str) -> None:
    """Training consent for a story: show it, or record --train / --no-train (kept as an auditable history)."""
    from punchup.improve.studio_rows import consent_history, set_consent

    studio = open_studio(store)
    story = studio.repo.story(story_id)
    if train is not None:
        set_consent(studio.store, story.id, train, granted_by or story.settings.author)
    history = consent_history(studio.store, story.id)
    state = "licensed for training" if history and history[-1]["train"] else "not licensed for training"
    click.echo(f"story {story.id} '{story.title}': {state}")
    for event in history:
        click.echo(f"  {event['created_at'][:19]}  {'train' if event['train'] else 'no-train'}  by {event['granted_by']}")
    if not history:
        click.echo("  (no decision recorded: nothing from this story is exported; `write license --train --by NAME` allows it)")


for _command in ROOM_COMMANDS:
    write.add_command(_command)
