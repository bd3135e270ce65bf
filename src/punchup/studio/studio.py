"""The Studio: the writer's whole API over one store, for the CLI and the web app alike.

Methods that call models are async (expand, cascade, rewrite, continue_text,
resize); everything else only reads or writes the store and is sync. Every
method takes an optional story_id and acts on the most recently created story
without one. Node labels are case-insensitive ("Scene 3" = "scene-3").
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from punchup.config import Settings
from punchup.judging.factory import JudgeSet, build_judges
from punchup.models import DEFAULT_MODEL, CachedModel, get_model
from punchup.packs import Pack, load_pack
from punchup.store import Store
from punchup.studio.authorship import AuthorshipReport, authorship_report
from punchup.studio.cascade import run_cascade
from punchup.studio.editing import Editor, changed_meanwhile, check_revision
from punchup.studio.export import ExportFormat, ExportResult, check_format, output_path, write_export
from punchup.studio.disclosure import disclosure_markdown, export_problems
from punchup.studio.fountain import build_fountain, build_markdown
from punchup.judging.factory import DEFAULT_JUDGE
from punchup.studio.mine import Miner, MiningSettings, resolve_target
from punchup.studio.outline import excerpt
from punchup.studio.prompts import medium_of
from punchup.studio.provenance import HUMAN, whole
from punchup.studio.records import (
    CascadeReport,
    ExpandResult,
    Node,
    NodeDetail,
    NodeState,
    NodeVersion,
    NodeView,
    RewriteResult,
    Story,
    StoryView,
)
from punchup.studio.repository import StoryRepository
from punchup.studio.structure import slots_for
from punchup.studio.staleness import stale_reasons, status_of, topological
from punchup.studio.tree import SCENES_TARGET, Kind, StudioError, leaf_kind, normalise_label, parse_label
from punchup.studio.candidates import Progress
from punchup.studio.room import PunchRoom
from punchup.studio.room_api import RoomMethods
from punchup.studio.steering import Steering


def default_title(logline: str) -> str:
    words = logline.split()
    title = " ".join(words[:6]).rstrip(".,;:!?")
    return (title + ("…" if len(words) > 6 else "")) or "Untitled"


class Studio(RoomMethods):
    def __init__(self, store: Store, model_for: Callable[[str], CachedModel],
                 judges_for: Callable[[str], JudgeSet] | None = None, *, writer: str = DEFAULT_MODEL,
                 judge: str | None = DEFAULT_JUDGE, max_tokens: int | None = None, temperature: float | None = None):
        """`model_for(model_id)` gives a CachedModel; `judges_for(spec)` a JudgeSet (default: build_judges)."""
        self.store = store
        self.repo = StoryRepository(store)
        self._model_for = model_for
        self._models: dict[str, CachedModel] = {}
        self._judges: dict[str, JudgeSet] = {}
        self._judges_for = judges_for or (lambda spec: build_judges(spec, store, self.model))
        self._packs: dict[str, Pack] = {}
        self.miner = Miner(self.repo, self.model, self.judges, MiningSettings(writer, judge, max_tokens, temperature))
        self.editor = Editor(self.repo, self.model, self.miner.settings)
        self.room = PunchRoom(self.repo, self.model, self.judges, self.miner.settings)

    @classmethod
    def open(cls, store: str | Store, *, base_url: str | None = None, settings: Settings | None = None,
             **options: object) -> "Studio":
        """A Studio on a store path (or Store) with models from the environment's settings."""
        settings = settings or Settings.from_env()
        opened = store if isinstance(store, Store) else Store(store)

        def model_for(model_id: str) -> CachedModel:
            if "@" in model_id:  # a writer with samplers, e.g. local/smollm2@antislop
                from punchup.improve.samplers.build import profile_model

                return profile_model(model_id, opened, lambda m: settings.model_options(m, base_url))
            return CachedModel(get_model(model_id, **settings.model_options(model_id, base_url)), opened)

        options.setdefault("writer", settings.default_model)
        return cls(opened, model_for, **options)  # type: ignore[arg-type]

    # -- services -----------------------------------------------------------------
    def model(self, model_id: str) -> CachedModel:
        if model_id not in self._models:
            self._models[model_id] = self._model_for(model_id)
        return self._models[model_id]

    def judges(self, spec: str) -> JudgeSet:
        if spec not in self._judges:
            self._judges[spec] = self._judges_for(spec)
        return self._judges[spec]

    def call_counts(self) -> tuple[int, int]:
        """(calls made, calls answered from the store) by this Studio's models so far."""
        stats = {id(m.stats): m.stats for m in self._models.values()}.values()
        return sum(s.made for s in stats), sum(s.cached for s in stats)

    async def aclose(self) -> None:
        for model in self._models.values():
            await model.aclose()

    def close(self) -> None:
        """Close the store (checkpointing its WAL into the .db file); call aclose first for the models."""
        self.store.close()

    def pack(self, story: Story) -> Pack:
        if story.pack not in self._packs:
            self._packs[story.pack] = load_pack(story.pack)
        return self._packs[story.pack]

    def _context(self, story_id: int | None) -> tuple[Story, Pack, Kind]:
        story = self.repo.story(story_id)
        pack = self.pack(story)
        return story, pack, leaf_kind(pack)

    def _label(self, raw: str, leaf: Kind) -> str:
        label = normalise_label(raw)
        kind, _ = parse_label(label)
        if kind in ("script", "prose") and kind != leaf:
            raise StudioError(f"this story is written as {leaf}-N nodes, not {kind}-N")
        return label

    def _node(self, raw: str, story_id: int | None) -> tuple[Story, Pack, Kind, Node]:
        story, pack, leaf = self._context(story_id)
        return story, pack, leaf, self.repo.node(story.id, self._label(raw, leaf))

    # -- stories ------------------------------------------------------------------
    def new(self, logline: str, pack: str = "screenplay", title: str | None = None) -> Story:
        if not logline.strip():
            raise StudioError("the logline is empty")
        loaded = load_pack(pack)
        leaf_kind(loaded)  # only packs the studio can write
        reference = str(Path(pack).resolve()) if Path(pack).is_file() else loaded.name
        with self.store.transaction():  # a story never exists without its logline
            story = self.repo.create_story((title or default_title(logline)).strip() or "Untitled", reference)
            node = self.repo.ensure_node(story.id, "logline", "logline", 0)
            text = logline.strip()
            self.editor.commit(node, NodeState(text=text, provenance=whole(text, HUMAN)), "write")
        return self.repo.story(story.id)

    def stories(self) -> list[Story]:
        return self.repo.stories()

    def story(self, story_id: int | None = None) -> Story:
        return self.repo.story(story_id)

    def show(self, story_id: int | None = None) -> StoryView:
        story, _, _ = self._context(story_id)
        nodes = self.repo.nodes(story.id)
        reasons = stale_reasons(nodes)
        alts, versions = self.repo.alternative_counts(story.id), self.repo.version_counts(story.id)
        views = [self._view(n, reasons, alts.get(n.id, 0), versions.get(n.id, 0)) for n in topological(nodes)]
        return StoryView(story=story, nodes=views)

    def node(self, label: str, story_id: int | None = None) -> NodeDetail:
        story, _, _, node = self._node(label, story_id)
        nodes = self.repo.nodes(story.id)
        alternatives = self.repo.alternatives(node.id)
        ranked = sorted(alternatives, key=lambda a: (a.score is None, -(a.score or 0.0), a.number))
        view = self._view(node, stale_reasons(nodes), len(alternatives), len(self.repo.versions(node.id)))
        return NodeDetail(node=view, alternatives=ranked, provenance=node.provenance, parents=node.parents)

    def text(self, label: str, story_id: int | None = None) -> str | None:
        """The chosen text of a node, or None when it has none or does not exist yet (bad labels still raise)."""
        story, _, leaf = self._context(story_id)
        node = self.repo.find_node(story.id, self._label(label, leaf))
        return node.text if node else None

    def _view(self, node: Node, reasons: dict[str, list[str]], alternatives: int, versions: int) -> NodeView:
        return NodeView(
            label=node.label, kind=node.kind, ordinal=node.ordinal, status=status_of(node, reasons), locked=node.locked,
            stale_because=reasons.get(node.label, []), text=node.text, excerpt=excerpt(node.text),
            human_percent=100.0 * node.human_share if node.text else None, alternatives=alternatives,
            chosen_alt=node.chosen_alt, content_hash=node.content_hash, versions=versions, revision=node.revision,
        )

    def _fresh_view(self, story_id: int, label: str) -> NodeView:
        nodes = self.repo.nodes(story_id)
        node = nodes[label]
        counts = self.repo.alternative_counts(story_id)
        return self._view(node, stale_reasons(nodes), counts.get(node.id, 0), len(self.repo.versions(node.id)))

    # -- generate and mine ----------------------------------------------------------
    async def expand(self, label: str, *, story_id: int | None = None, n: int = 3, unusual: bool = False,
                     model: str | None = None, judge: str | None = None, seed: int = 0, more: bool = False,
                     max_scenes: int | None = None, max_tokens: int | None = None, steering: Steering | None = None,
                     on_draft: Progress | None = None) -> ExpandResult:
        """N alternatives for a node or for the next child kind of a chosen node (see mine.resolve_target).

        more=True: alternatives for the node itself, on seeds it never had (so always new ones)."""
        if n < 1:
            raise StudioError("-n must be at least 1")
        story, pack, leaf = self._context(story_id)
        nodes = self.repo.nodes(story.id)
        target = resolve_target(label, nodes, leaf, more)
        labels = self.miner.scene_labels(nodes, max_scenes) if target == SCENES_TARGET else [target]
        before = self.call_counts()
        ranked = [
            await self.miner.generate_for(story, pack, leaf, nodes, one, n=n, model_id=model, judge=judge, seed=seed,
                                          unusual=unusual, max_tokens=max_tokens, steering=steering, more=more,
                                          on_draft=on_draft)
            for one in labels
        ]
        made, cached = (a - b for a, b in zip(self.call_counts(), before))
        judge_name = judge or self.miner.settings.judge or (model or self.miner.settings.writer)
        return ExpandResult(story_id=story.id, target=target, nodes=ranked, judge=judge_name, calls_made=made,
                            calls_cached=cached, more=more)

    async def cascade(self, label: str, *, story_id: int | None = None, include_human: bool = False, n: int = 1,
                      model: str | None = None, judge: str | None = None, seed: int = 0) -> CascadeReport:
        """Regenerate the stale descendants of a node (see cascade.py for the rules)."""
        story, pack, leaf = self._context(story_id)
        before = self.call_counts()
        report = await run_cascade(self.miner, story, pack, leaf, self._label(label, leaf), include_human=include_human,
                                   n=n, model_id=model, judge=judge, seed=seed)
        made, cached = (a - b for a, b in zip(self.call_counts(), before))
        return report.model_copy(update={"calls_made": made, "calls_cached": cached})

    # -- the writer's decisions -----------------------------------------------------
    def choose(self, label: str, alternative: int, story_id: int | None = None, revision: int | None = None) -> NodeView:
        """`revision` (here and in edit, accept, undo): the node's revision the writer saw; refused if it moved on."""
        story, _, _, node = self._node(label, story_id)
        check_revision(node, revision, "choice")
        self.editor.choose(node, self.repo.alternative(node, alternative))
        return self._fresh_view(story.id, node.label)

    def edit(self, label: str, text: str, story_id: int | None = None, revision: int | None = None) -> NodeView:
        """Replace a node's text with the writer's; creates the node when its parents are written."""
        story, _, leaf = self._context(story_id)
        clean = self._label(label, leaf)
        self.editor.edit(story, clean, text, revision)
        return self._fresh_view(story.id, clean)

    def accept(self, label: str, story_id: int | None = None, revision: int | None = None) -> NodeView:
        """Keep a stale node's text as it is and mark it fresh against its parents' current texts."""
        story, _, _, node = self._node(label, story_id)
        check_revision(node, revision, "accept")
        self.editor.accept(node)
        return self._fresh_view(story.id, node.label)

    def lock(self, label: str, story_id: int | None = None) -> NodeView:
        story, _, _, node = self._node(label, story_id)
        self.repo.set_locked(node, True)
        return self._fresh_view(story.id, node.label)

    def unlock(self, label: str, story_id: int | None = None) -> NodeView:
        story, _, _, node = self._node(label, story_id)
        self.repo.set_locked(node, False)
        return self._fresh_view(story.id, node.label)

    def undo(self, label: str, story_id: int | None = None, revision: int | None = None) -> NodeView:
        story, _, _, node = self._node(label, story_id)
        self.editor.refuse_locked(node, "undo")
        check_revision(node, revision, "undo")
        if node.kind == "logline" and len(self.repo.versions(node.id)) <= 1:
            raise StudioError("the logline's first version cannot be undone: edit it instead")
        if self.repo.undo(node) is None:
            raise StudioError(changed_meanwhile(node.label, "undo"))
        return self._fresh_view(story.id, node.label)

    def history(self, label: str, story_id: int | None = None) -> list[NodeVersion]:
        """A node's versions, oldest first (undo drops the last one)."""
        _, _, _, node = self._node(label, story_id)
        return self.repo.versions(node.id)

    # -- targeted rewrites --------------------------------------------------------------
    async def rewrite(self, label: str, start: int, end: int, instruction: str, *, story_id: int | None = None,
                      model: str | None = None, seed: int = 0, revision: int | None = None) -> RewriteResult:
        """The model rewrites text[start:end] only; everything outside it stays byte-identical.

        Saved only if the node is still at the revision read here (or `revision`, the one the writer saw)
        when the model answers: an edit or a lock meanwhile wins, and the rewrite is refused."""
        _, _, leaf, node = self._node(label, story_id)
        check_revision(node, revision, "rewrite")
        return await self.editor.rewrite_span(node, medium_of(leaf), start, end, instruction, model, seed)

    async def continue_text(self, label: str, *, instruction: str = "", story_id: int | None = None,
                            model: str | None = None, seed: int = 0, revision: int | None = None) -> RewriteResult:
        story, pack, leaf, node = self._node(label, story_id)
        check_revision(node, revision, "continuation")
        return await self.editor.continue_text(node, self.repo.nodes(story.id), pack, leaf, instruction, model, seed)

    async def resize(self, label: str, words: int, *, instruction: str = "", story_id: int | None = None,
                     model: str | None = None, seed: int = 0, revision: int | None = None) -> RewriteResult:
        """Shorten or expand the whole text to about `words` words."""
        _, _, leaf, node = self._node(label, story_id)
        check_revision(node, revision, "resize")
        return await self.editor.resize(node, medium_of(leaf), words, instruction, model, seed)

    # -- authorship and export ------------------------------------------------------------
    def authorship(self, story_id: int | None = None) -> AuthorshipReport:
        story, _, leaf = self._context(story_id)
        nodes = self.repo.nodes(story.id)
        offers = {}
        for node in nodes.values():
            if node.text and node.chosen_alt is not None:
                offers[node.label] = self.repo.alternative(node, node.chosen_alt)
        return authorship_report(story, medium_of(leaf), nodes, offers)

    def export_problems(self, story_id: int | None = None) -> list[str]:
        story, _, leaf = self._context(story_id)
        return export_problems(self.repo.nodes(story.id), leaf)

    def export_text(self, fmt: ExportFormat, story_id: int | None = None, allow_stale: bool = False) -> str:
        """Fountain source for fountain/pdf/fdx, Markdown for md; refused while parts are missing or stale
        unless allow_stale (then scenes without a script are left out)."""
        story, _, leaf = self._context(story_id)
        check_format(fmt, leaf)
        nodes = self.repo.nodes(story.id)
        problems = export_problems(nodes, leaf)
        if problems and not allow_stale:
            raise StudioError(f"not ready to export: {'; '.join(problems)} (--allow-stale exports it anyway)")
        return build_markdown(story, nodes) if fmt == "md" else build_fountain(story, nodes)

    def disclosure(self, story_id: int | None = None) -> str:
        """The optional authorship disclosure, a Markdown document of its own."""
        story = self.repo.story(story_id)
        return disclosure_markdown(story, self.authorship(story.id))

    def export(self, fmt: ExportFormat, path: str | Path | None = None, story_id: int | None = None,
               force: bool = False, allow_stale: bool = False, disclosure: bool = False) -> ExportResult:
        """Write the story to a file (atomically); an existing file is replaced only with force.
        With disclosure, the authorship disclosure goes beside it as NAME.authorship.md."""
        story = self.repo.story(story_id)
        text = self.export_text(fmt, story.id, allow_stale=allow_stale)
        result = write_export(fmt, text, output_path(path, story.title, fmt), force=force)
        result.warnings = self.export_problems(story.id)
        if disclosure:
            target = Path(result.path).with_suffix(".authorship.md")
            result.disclosure = write_export("md", self.disclosure(story.id), target, force=force).path
        return result

    # -- stories: rename, settings, delete -------------------------------------------------------------
    def update_story(self, story_id: int | None = None, *, title: str | None = None, author: str | None = None,
                     structure: str | None = None, format: str | None = None) -> Story:
        story = self.repo.story(story_id)
        if title is not None and not title.strip():
            raise StudioError("the title is empty")
        updates = {k: v.strip() for k, v in (("author", author), ("structure", structure), ("format", format)) if v is not None}
        if updates.get("structure"):
            slots_for(updates["structure"])  # an unknown template fails now, not at the next expand
        if updates.get("format"):
            Steering(format=updates["format"])
        settings = story.settings.model_copy(update=updates)
        return self.repo.update_story(story.id, title=title.strip() if title is not None else None, settings=settings)

    def delete_story(self, story_id: int) -> None:
        self.repo.delete_story(story_id)
