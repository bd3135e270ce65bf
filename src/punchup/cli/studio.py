"""`punchup studio`: serve the studio web app on loopback. Parse flags, build the Studio, run uvicorn."""

from __future__ import annotations

import click

from punchup.errors import PunchupError


@click.command("studio")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port to listen on.")
@click.option("--host", envvar="PUNCHUP_STUDIO_HOST", default=None,
              help="Address to listen on (default 127.0.0.1). A non-loopback address must be typed here explicitly.")
@click.option("--store", envvar="PUNCHUP_STORE", default="punchup.db", show_default=True,
              help="Store file (SQLite) or database URL, the same one `punchup write` uses; env PUNCHUP_STORE.")
@click.option("--model", "-m", "model", default=None, help="Writer model (default: env PUNCHUP_MODEL or local/smollm2).")
@click.option("--judge", default=None, help="Judge spec that ranks alternatives (default: the studio's default judge).")
@click.option("--base-url", envvar="PUNCHUP_OPENAI_BASE_URL", default=None, help="OpenAI-compatible server(s) for openai/ models.")
@click.option("--max-tokens", type=click.IntRange(16, 32768), default=None, help="Cap on generated tokens per call.")
@click.pass_context
def studio(ctx: click.Context, port: int, host: str | None, store: str, model: str | None, judge: str | None,
           base_url: str | None, max_tokens: int | None) -> None:
    """Serve the studio web app: the writers' room in a browser."""
    import uvicorn

    from punchup.judging.factory import DEFAULT_JUDGE
    from punchup.studio.studio import Studio
    from punchup.studio.web.app import create_app
    from punchup.studio.web.bind import decide_bind, is_loopback
    from punchup.studio.web.security import new_token

    # Only a --host typed on this command line counts as explicit; PUNCHUP_STUDIO_HOST alone does not.
    explicit = ctx.get_parameter_source("host") == click.core.ParameterSource.COMMANDLINE
    decision = decide_bind(host, explicit)
    options: dict[str, object] = {"judge": judge or DEFAULT_JUDGE, "max_tokens": max_tokens}
    if model:
        options["writer"] = model
    engine = Studio.open(store, base_url=base_url, **options)  # same Settings.model_options path as the CLI
    if decision.warning:
        click.echo(decision.warning, err=True)
    # Beyond loopback anyone who reaches the port could read the stories: every request then needs this
    # launch token (like Jupyter's), given once in the printed address and kept in a cookie.
    token = None if is_loopback(decision.host) else new_token()
    app = create_app(engine, host=decision.host, token=token)
    shown = f"[{decision.host}]" if ":" in decision.host else decision.host
    address = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    click.echo(f"punchup studio on {address}  (store {store}; Ctrl-C stops)")
    try:
        uvicorn.run(app, host=decision.host, port=port, log_level="warning")
    except OSError as exc:
        raise PunchupError(f"cannot listen on {decision.host}:{port}: {exc.strerror or exc}") from None
