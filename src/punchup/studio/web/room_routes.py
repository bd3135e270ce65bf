"""The punch-up room in the browser: alts for a setup, N pitches for a selection, a line-by-line pass, Accept.

Pitches run as background tasks (tasks.py) whose progress element shows each
alternative as it lands; the finished task swaps itself for the board. A
board saves nothing: only Accept writes, through Studio.accept_pitches, which
draws the pitch again from its seed (the call cache answers) and checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from punchup.errors import PunchupError
from punchup.improve.studio_rows import set_consent
from punchup.studio.room import Pick
from punchup.studio.selection import find_quote
from punchup.studio.steering import FORMATS, Steering
from punchup.studio.studio import Studio
from punchup.studio.web.tasks import DraftProgress, TaskRunner

HERE = Path(__file__).parent
MAX_PITCHES = 10
MAX_PASS_LINES = 20


@dataclass
class Kit:
    """What the room's routes borrow from app.py, so the two modules never import each other."""

    page: Callable[..., HTMLResponse]
    form_of: Callable[[Request], Awaitable[dict[str, str]]]
    int_field: Callable[[dict[str, str], str, int, int, int], int]
    selection: Callable[[str, dict[str, str]], tuple[int, int]]
    workspace: Callable[..., HTMLResponse]
    describe: Callable[[BaseException], str]


def steering_of(form: dict[str, str]) -> Steering:
    fmt = form.get("format", "")
    if fmt and fmt not in FORMATS:
        raise PunchupError(f"format must be one of {', '.join(FORMATS)}")
    return Steering(notes=form.get("notes", "")[:600], tone=form.get("tone", "")[:80], format=fmt,
                    length=form.get("length", "")[:80], unusual=form.get("unusual") == "on")


def own_alts(form: dict[str, str]) -> list[str]:
    from punchup.studio.outline import beat_entries

    mine = form.get("mine", "").replace("\r\n", "\n")
    return beat_entries(mine) if mine.strip() else []


def parse_picks(form: dict[str, str]) -> list[Pick]:
    """pick-K = "START:END:SEED:HASH" (a model's pitch) or "START:END:W:HASH" with text-K (the writer's)."""
    picks: list[Pick] = []
    for key, value in sorted(form.items()):
        if not key.startswith("pick-") or not value:
            continue
        parts = value.split(":")
        if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit():
            raise PunchupError(f"{key} is not START:END:SEED:HASH")
        start, end, seed, digest = int(parts[0]), int(parts[1]), parts[2], parts[3]
        if seed == "W":
            picks.append(Pick(start=start, end=end, text=form.get(f"text-{key[5:]}", ""), hash=digest or None))
        elif seed.lstrip("-").isdigit():
            picks.append(Pick(start=start, end=end, seed=int(seed), hash=digest or None))
        else:
            raise PunchupError(f"{key}: the seed must be a whole number")
    return picks


OWN_SLOTS = "own"  # the structure menu's "your own slots" entry


def add_room_routes(app: FastAPI, studio: Studio, runner: TaskRunner, kit: Kit) -> None:
    def start(kind: str, story_id: int, label: str, work: Callable[[DraftProgress], Awaitable[Any]], total: int) -> HTMLResponse:
        drafts = DraftProgress()
        task = runner.start(kind, story_id, label, lambda: work(drafts), kit.describe, progress=drafts, total=total)
        return kit.page("room_task.html", task=task)

    @app.get("/favicon.ico")
    def favicon() -> Response:
        return FileResponse(HERE / "static" / "favicon.svg", media_type="image/svg+xml")

    @app.get("/stories/{story_id}/disclosure.md")
    def disclosure(story_id: int) -> Response:
        from punchup.studio.web.views import content_disposition

        story = studio.story(story_id)
        name = content_disposition(f"{story.title} authorship", "md")
        return Response(studio.disclosure(story_id).encode("utf-8"), media_type="text/markdown; charset=utf-8",
                        headers={"Content-Disposition": name})

    @app.get("/alts", response_class=HTMLResponse)
    def alts_page() -> HTMLResponse:
        return kit.page("alts.html")

    @app.post("/alts", response_class=HTMLResponse)
    async def alts(request: Request) -> HTMLResponse:
        form = await kit.form_of(request)
        n = kit.int_field(form, "n", 5, 1, MAX_PITCHES)
        seed = kit.int_field(form, "seed", 0, 0, 2**31)
        keep = kit.int_field(form, "keep", 3, 0, MAX_PITCHES)
        setup, mine, steering, more = form.get("setup", ""), own_alts(form), steering_of(form), form.get("more") == "on"
        if not setup.strip():
            raise PunchupError("write the setup first")
        return start("alts", 0, "alts", lambda drafts: studio.alts(
            setup, n=n, mine=mine, steering=steering, seed=seed, more=more, keep=keep, on_draft=drafts), n)

    @app.post("/stories/{story_id}/room/{label}/pitch", response_class=HTMLResponse)
    async def pitch(story_id: int, label: str, request: Request) -> HTMLResponse:
        form = await kit.form_of(request)
        node = studio.node(label, story_id).node
        text = node.text or ""
        if form.get("quote", "").strip():
            start_at, end_at = find_quote(text, form["quote"])
        else:
            start_at, end_at = kit.selection(text, form)
        mode = form.get("mode", "rewrite")
        if mode not in ("rewrite", "alts"):
            raise PunchupError("mode must be rewrite or alts")
        n = kit.int_field(form, "n", 3, 1, MAX_PITCHES)
        seed = kit.int_field(form, "seed", 0, 0, 2**31)
        options = dict(n=n, instruction=form.get("instruction", ""), mine=own_alts(form), steering=steering_of(form),
                       seed=seed, more=form.get("more") == "on", story_id=story_id)
        place = {"start": start_at, "end": end_at}
        return start("pitch", story_id, node.label, lambda drafts: studio.pitch(
            node.label, mode, place, on_draft=drafts, **options), n)  # type: ignore[arg-type]

    @app.post("/stories/{story_id}/room/{label}/pass", response_class=HTMLResponse)
    async def punch_pass(story_id: int, label: str, request: Request) -> HTMLResponse:
        form = await kit.form_of(request)
        node = studio.node(label, story_id).node
        n = kit.int_field(form, "n", 2, 1, 5)
        lines = kit.int_field(form, "lines", 6, 1, MAX_PASS_LINES)
        seed = kit.int_field(form, "seed", 0, 0, 2**31)
        steering = steering_of(form)

        async def work(drafts: DraftProgress) -> Any:
            result, _ = await studio.punch_pass(node.label, n=n, max_lines=lines, steering=steering, seed=seed,
                                                story_id=story_id, on_draft=drafts)
            return result

        return start("pass", story_id, node.label, work, n * lines)

    @app.get("/room/tasks/{task_id}", response_class=HTMLResponse)
    def room_task(task_id: int) -> HTMLResponse:
        task = runner.get(task_id)
        if task is None:
            raise PunchupError(f"no task {task_id} (the server may have restarted)")
        if task.state == "running":
            return kit.page("room_task.html", task=task)
        if task.state == "failed":
            return kit.page("error.html", message=f"{task.kind} failed: {task.error}")
        if task.kind == "pass":
            return kit.page("pass.html", result=task.result, story_id=task.story_id)
        return kit.page("board.html", board=task.result, story_id=task.story_id)

    @app.post("/stories/{story_id}/room/{label}/accept", response_class=HTMLResponse)
    async def accept(story_id: int, label: str, request: Request) -> HTMLResponse:
        form = await kit.form_of(request)
        mode = form.get("mode", "rewrite")
        if mode not in ("rewrite", "alts"):
            raise PunchupError("mode must be rewrite or alts")
        view = await runner.run(lambda: studio.accept_pitches(
            label, mode, parse_picks(form), base_hash=form.get("base_hash", ""), instruction=form.get("instruction", ""),
            steering=steering_of(form), story_id=story_id))  # type: ignore[arg-type]
        return kit.workspace(story_id, view.label, accepted=view)

    @app.post("/stories/{story_id}/settings", response_class=HTMLResponse)
    async def settings(story_id: int, request: Request) -> HTMLResponse:
        form = await kit.form_of(request)
        structure = form.get("structure")
        if structure == OWN_SLOTS:  # the writer's own slots, typed (or a template's, edited) in the textarea
            structure = form.get("slots", "")
            if not structure.strip():
                raise PunchupError("write your beat slots, one per line, or pick a template")
        studio.update_story(story_id, title=form.get("title"), author=form.get("author"),
                            structure=structure, format=form.get("format"))
        return kit.workspace(story_id, form.get("focus") or None)

    @app.post("/stories/{story_id}/license", response_class=HTMLResponse)
    async def license_story(story_id: int, request: Request) -> HTMLResponse:
        form = await kit.form_of(request)
        if form.get("train") not in ("yes", "no"):
            raise PunchupError("train must be yes or no")
        studio.story(story_id)  # an unknown story fails before anything is recorded
        set_consent(studio.store, story_id, form["train"] == "yes", form.get("by", ""))
        return kit.workspace(story_id, form.get("focus") or None)

    @app.post("/stories/{story_id}/delete")
    async def delete(story_id: int, request: Request) -> Response:
        form = await kit.form_of(request)
        story = studio.story(story_id)
        if form.get("confirm", "").strip() != story.title:
            raise PunchupError("type the story's title to confirm the delete")
        studio.delete_story(story_id)
        return Response(status_code=200, headers={"HX-Redirect": "/"})
