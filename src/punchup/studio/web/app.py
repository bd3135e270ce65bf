"""The studio's routes. Each one parses a request, calls one or two Studio methods and renders a template.

Forms arrive url-encoded and are parsed here (no python-multipart dependency).
Mutating actions answer with the whole workspace fragment (tree, node panel,
authorship), so what the writer sees always comes from the engine's current state.
"""

from __future__ import annotations

import tempfile
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader

from punchup.errors import PunchupError
from punchup.improve.studio_rows import consent_history
from punchup.studio.editing import check_revision
from punchup.studio.export import PROSE_FORMATS, SCREENPLAY_FORMATS, write_export
from punchup.studio.studio import Studio
from punchup.studio.tree import SCENES_TARGET, leaf_kind
from punchup.studio.web.security import Policy, StudioGuard
from punchup.studio.web.tasks import DraftProgress, Task, TaskRunner
from punchup.studio.web.room_routes import Kit, add_room_routes, steering_of
from punchup.studio.web.views import CONTENT_TYPES, content_disposition, score_text, span_diff, template_globals

HERE = Path(__file__).parent
PACKS = ("screenplay", "fiction")
MAX_ALTERNATIVES = 10
MAX_FORM_BYTES = 4 * 1024 * 1024  # a whole screenplay is a few hundred kilobytes


def templates() -> Environment:
    # autoescape=True for every template, whatever its extension: model text is untrusted input.
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["score"] = score_text
    env.globals.update(template_globals())
    return env


def describe(error: BaseException) -> str:
    return str(error) if isinstance(error, PunchupError) else f"{type(error).__name__}: {error}"


async def form_of(request: Request) -> dict[str, str]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise PunchupError(f"the form is too large ({len(body):,} bytes; at most {MAX_FORM_BYTES:,})")
    try:
        # strict: a percent-escape that is not UTF-8 is refused, not turned into replacement characters.
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as error:
        raise PunchupError(f"the form is not valid UTF-8 (byte 0x{error.object[error.start:error.start + 1].hex()} "
                           f"at {error.start})") from None
    return {key: values[-1] for key, values in fields.items()}


def int_field(form: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(form.get(name, "") or default)
    except ValueError:
        raise PunchupError(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise PunchupError(f"{name} must be between {low} and {high}")
    return value


def revision_of(form: dict[str, str]) -> int | None:
    """The node revision the writer's page showed, when the form sends one (see Studio.edit)."""
    return int_field(form, "revision", 0, 0, 2**62) if form.get("revision") else None


def selection(text: str, form: dict[str, str]) -> tuple[int, int]:
    """The span to rewrite, checked against the text the writer selected when the form sends it.

    A browser's textarea can disagree with the stored text about line breaks
    (CRLF) or a leading newline; the selected text itself settles where the
    span is, and a selection that no longer matches is refused rather than
    rewriting the wrong passage.
    """
    # Range-checked after the selected text has had its say: offsets from a client that counts
    # UTF-16 units may run past the end of a text with emoji.
    start, end = int_field(form, "start", 0, 0, 2 * len(text)), int_field(form, "end", 0, 0, 2 * len(text))
    selected = form.get("selected", "")
    if selected and text[start:end] != selected:
        if text.count(selected) != 1:
            raise PunchupError("the text changed since the passage was selected; select it again")
        start = text.index(selected)
        end = start + len(selected)
    if end <= start:
        raise PunchupError("select the passage to rewrite first")
    if end > len(text):
        raise PunchupError(f"the selection ends past the text ({len(text)} characters); select it again")
    return start, end


def validation_message(error: RequestValidationError) -> str:
    """Which part of the request was wrong, never the input itself (it is the caller's, and may be markup)."""
    first = error.errors()[0] if error.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body") or "request"
    return f"bad request: {where}: {str(first.get('msg', 'invalid value'))[:120]}"


def create_app(studio: Studio, *, host: str | None = None, token: str | None = None) -> FastAPI:
    """`host` is the --host the writer typed (accepted in Host headers besides the loopback names);
    `token`, required beyond loopback, must come with every request (see security.py)."""
    env = templates()
    policy = Policy.for_host(host, token)
    runner = TaskRunner()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        runner.close(studio.aclose)
        studio.close()  # checkpoints the WAL into the .db: a copied .db file alone then has everything

    app = FastAPI(title="punchup studio", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(StudioGuard, policy=policy)
    app.state.studio, app.state.runner = studio, runner

    def page(name: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context), status_code=status, headers=headers)

    def formats_for(story_id: int) -> tuple[str, ...]:
        story = studio.story(story_id)
        return SCREENPLAY_FORMATS if leaf_kind(studio.pack(story)) == "script" else PROSE_FORMATS

    def workspace_context(story_id: int, focus: str | None, **extra: Any) -> dict[str, Any]:
        view = studio.show(story_id)
        labels = [n.label for n in view.nodes]
        if focus not in labels:
            written = [n.label for n in view.nodes if n.text]
            focus = written[-1] if written else (labels[0] if labels else None)
        detail = studio.node(focus, story_id) if focus else None
        return {"view": view, "story": view.story, "focus": focus, "detail": detail,
                "authorship": studio.authorship(story_id), "formats": formats_for(story_id),
                "stale": sum(n.status == "stale" for n in view.nodes),
                "export_problems": studio.export_problems(story_id),
                "consent": consent_history(studio.store, story_id), **extra}

    def workspace(story_id: int, focus: str | None, **extra: Any) -> HTMLResponse:
        return page("workspace.html", **workspace_context(story_id, focus, **extra))

    def error_page(request: Request, message: str) -> Response:
        # The page script (studio.js) puts an htmx request's error into the flash bar as text, so it gets
        # one plain line; a navigation gets the error page (escaped like every template).
        if request.headers.get("hx-request"):
            return PlainTextResponse(" ".join(message.split()), status_code=400)
        return page("error.html", status=400, message=message)

    @app.exception_handler(PunchupError)
    async def refused(request: Request, error: PunchupError) -> Response:
        return error_page(request, str(error))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        # FastAPI's own 422 body is JSON echoing the raw input; this is the app's page, naming only the field.
        return error_page(request, validation_message(error))

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        return page("index.html", stories=studio.stories(), packs=PACKS)

    @app.post("/stories")
    async def new_story(request: Request) -> Response:
        form = await form_of(request)
        if form.get("pack") not in PACKS:
            raise PunchupError(f"pack must be one of {', '.join(PACKS)}")
        story = studio.new(form.get("logline", ""), pack=form["pack"], title=form.get("title") or None)
        return RedirectResponse(f"/stories/{story.id}", status_code=303)

    @app.get("/stories/{story_id}", response_class=HTMLResponse)
    def story_page(story_id: int, node: str | None = None) -> HTMLResponse:
        return page("story.html", **workspace_context(story_id, node))

    @app.get("/stories/{story_id}/workspace", response_class=HTMLResponse)
    def workspace_fragment(story_id: int, node: str | None = None) -> HTMLResponse:
        return workspace(story_id, node)

    # -- model work in the background ------------------------------------------------
    @app.post("/stories/{story_id}/nodes/{label}/expand", response_class=HTMLResponse)
    async def expand(story_id: int, label: str, request: Request) -> HTMLResponse:
        form = await form_of(request)
        n = int_field(form, "n", 3, 1, MAX_ALTERNATIVES)
        scenes = int_field(form, "scenes", 0, 0, 200) or None
        more = form.get("more") == "on"
        seed = int_field(form, "seed", 0, 0, 2**31)
        steering = steering_of(form)
        studio.node(label, story_id)  # a bad label fails now, not in the background
        drafts = DraftProgress()  # each alternative as it arrives and lands: the progress element shows them
        task = runner.start("expand", story_id, label, lambda: studio.expand(
            label, story_id=story_id, n=n, more=more, max_scenes=scenes, seed=seed, steering=steering,
            on_draft=drafts), describe, progress=drafts, total=n)
        return page("task.html", task=task)

    @app.post("/stories/{story_id}/nodes/{label}/cascade", response_class=HTMLResponse)
    async def cascade(story_id: int, label: str, request: Request) -> HTMLResponse:
        form = await form_of(request)
        studio.node(label, story_id)
        task = runner.start("cascade", story_id, label, lambda: studio.cascade(
            label, story_id=story_id, include_human=form.get("include_human") == "on"), describe)
        return page("task.html", task=task, view=studio.show(story_id))

    @app.get("/tasks/{task_id}", response_class=HTMLResponse)
    def task_status(task_id: int) -> HTMLResponse:
        task = runner.get(task_id)
        if task is None:
            raise PunchupError(f"no task {task_id} (the server may have restarted)")
        if task.state == "running":
            return page("task.html", task=task, view=studio.show(task.story_id) if task.kind == "cascade" else None)
        # Finished: swap the whole workspace, focused on what the task produced.
        return page("workspace.html", headers={"HX-Retarget": "#workspace", "HX-Reswap": "innerHTML"},
                    **workspace_context(task.story_id, focus_after(task), finished=task))

    def focus_after(task: Task) -> str:
        if task.kind == "expand" and task.result is not None:
            nodes = task.result.nodes
            return nodes[0].label if task.result.target == SCENES_TARGET and nodes else task.result.target
        return task.label

    # -- the writer's decisions ------------------------------------------------------
    @app.post("/stories/{story_id}/nodes/{label}/choose", response_class=HTMLResponse)
    async def choose(story_id: int, label: str, request: Request) -> HTMLResponse:
        form = await form_of(request)
        view = studio.choose(label, int_field(form, "alt", 1, 1, 10_000), story_id, revision_of(form))
        return workspace(story_id, view.label)

    @app.post("/stories/{story_id}/nodes/{label}/edit", response_class=HTMLResponse)
    async def edit(story_id: int, label: str, request: Request) -> HTMLResponse:
        form = await form_of(request)
        # Browsers submit textarea line breaks as CRLF; the engine and the CLI keep LF.
        view = studio.edit(label, form.get("text", "").replace("\r\n", "\n"), story_id, revision_of(form))
        return workspace(story_id, view.label)

    @app.post("/stories/{story_id}/write", response_class=HTMLResponse)
    async def write_own(story_id: int, request: Request) -> HTMLResponse:
        form = await form_of(request)
        view = studio.edit(form.get("label", ""), form.get("text", "").replace("\r\n", "\n"), story_id)
        return workspace(story_id, view.label)

    # -- targeted rewrites: the engine saves a rewrite at once, so "reject" is an undo -------------
    @app.post("/stories/{story_id}/nodes/{label}/rewrite", response_class=HTMLResponse)
    async def rewrite(story_id: int, label: str, request: Request) -> HTMLResponse:
        form = await form_of(request)
        current = studio.node(label, story_id).node
        check_revision(current, revision_of(form), "rewrite")
        old = current.text or ""
        start, end = selection(old, form)
        # From the revision the selection was made on: if the text moves on meanwhile, the rewrite is refused.
        result = await runner.run(lambda: studio.rewrite(label, start, end, form.get("instruction", ""), story_id=story_id,
                                                         revision=current.revision))
        diff = span_diff(old, result.text, start, end, result.end)
        return page("rewrite.html", story_id=story_id, result=result, diff=diff)

    @app.post("/stories/{story_id}/nodes/{label}/rewrite/{decision}", response_class=HTMLResponse)
    async def rewrite_decision(story_id: int, label: str, decision: str, request: Request) -> HTMLResponse:
        form = await form_of(request)
        current = studio.node(label, story_id).node
        if decision == "reject":
            # Undo only the very rewrite shown: if anything changed since, undoing would lose that instead.
            if current.content_hash != form.get("hash"):
                raise PunchupError(f"'{label}' changed after the rewrite; use undo from the node panel instead")
            studio.undo(label, story_id, current.revision)
        elif decision != "accept":
            raise PunchupError(f"unknown decision {decision}")
        return workspace(story_id, current.label)

    # -- export ---------------------------------------------------------------------------------
    @app.get("/stories/{story_id}/export/{fmt}")
    def export(story_id: int, fmt: str, allow_stale: int = 0) -> Response:
        story = studio.story(story_id)
        if fmt not in formats_for(story_id):
            raise PunchupError(f"this story exports as {', '.join(formats_for(story_id))}, not {fmt}")
        # Missing or stale scenes refuse the export unless the writer asked for it anyway (the page says which).
        text = studio.export_text(fmt, story_id, allow_stale=bool(allow_stale))  # type: ignore[arg-type]
        if fmt in ("fountain", "md"):
            body = text.encode("utf-8")
        else:
            with tempfile.TemporaryDirectory() as folder:
                target = Path(folder) / f"export.{fmt}"
                write_export(fmt, text, target)  # type: ignore[arg-type]
                body = target.read_bytes()
        return Response(body, media_type=CONTENT_TYPES[fmt],
                        headers={"Content-Disposition": content_disposition(story.title, fmt)})

    add_room_routes(app, studio, runner, Kit(page=page, form_of=form_of, int_field=int_field, selection=selection,
                                             workspace=workspace, describe=describe))

    # Registered last: this catch-all path would otherwise shadow /rewrite and the other verbs.
    @app.post("/stories/{story_id}/nodes/{label}/{action}", response_class=HTMLResponse)
    async def simple_action(story_id: int, label: str, action: str, request: Request) -> HTMLResponse:
        form = await form_of(request)
        if action in ("accept", "undo"):  # writes of the text: only from the revision the page showed
            done = getattr(studio, action)(label, story_id, revision_of(form))
        elif action in ("lock", "unlock"):
            done = getattr(studio, action)(label, story_id)
        else:
            raise PunchupError(f"unknown action {action}")
        return workspace(story_id, done.label)

    return app
