"""`punchup packs`: list the craft packs, show one."""

from __future__ import annotations

import click

from punchup.cli.options import console


@click.group(invoke_without_command=True)
@click.pass_context
def packs(ctx: click.Context) -> None:
    """List the craft packs (built-in); `packs show NAME|FILE` prints one."""
    if ctx.invoked_subcommand is None:
        from punchup.packs import list_packs

        for pack in list_packs():
            click.echo(f"{pack.name:<12} v{pack.version:<5} {len(pack.prompts):>2} prompts  {len(pack.rubric)} criteria  {pack.description.splitlines()[0][:80]}")


@packs.command("show")
@click.argument("name")
def packs_show(name: str) -> None:
    """Print one pack: its criteria, personas and prompts."""
    from punchup.packs import load_pack

    pack = load_pack(name)
    console.print(f"[bold]{pack.name}[/] v{pack.version} · {pack.source_path}", highlight=False)
    console.print(pack.description, markup=False)
    console.print("[bold]rubric[/]")
    for c in pack.rubric:
        console.print(f"  {c.id}{' (negative)' if c.negative else ''}: {c.question}\n     1 = {c.low}\n    10 = {c.high}", markup=False)
    console.print("[bold]pairwise[/]")
    for c in pack.pairwise:
        console.print(f"  {c.id}: {c.question}", markup=False)
    if pack.personas:
        console.print("[bold]personas[/]")
        for p in pack.personas:
            console.print(f"  {p.id}: {p.name}: {p.description}", markup=False)
    console.print("[bold]prompts[/]")
    for q in pack.prompts:
        extras = " ".join(f"[{k}={v}]" for k, v in (("expect", q.expect), ("moves", ", ".join(q.moves)), ("alts", q.alts)) if v)
        console.print(f"  {q.id}: {q.text} {extras}", markup=False)
