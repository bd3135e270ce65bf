"""How the writer steers a generation, and the recipe every alternative records.

Steering is the writer's notes, a tone, a format (multi-cam, single-cam,
feature, ...), a length and the "one unusual thing" option. It is rendered
into every generation prompt (empty parts leave the prompt unchanged, so old
alternatives stay cached) and stored, with the model and sampling settings,
as the alternative's recipe: the writer can always see how a draft was made.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from punchup.studio.tree import StudioError

# Formats a TV/film writer names; each one says what the page should look like.
FORMATS: dict[str, str] = {
    "multi-cam": "a multi-camera sitcom: studio audience, few sets, big clear jokes with a button on every scene",
    "single-cam": "a single-camera comedy: cinematic, grounded, jokes from character and behaviour, no laugh track",
    "drama": "a one-hour TV drama: act breaks that land on a turn, every scene raising the stakes",
    "feature": "a feature film: scenes that move the story's sequences forward, visual storytelling first",
    "short": "a short film: one situation, one turn, nothing that does not serve it",
}
NOTES_CHARS = 600


class Steering(BaseModel):
    """What the writer asked for on top of the story itself (all optional)."""

    notes: str = Field("", max_length=NOTES_CHARS)
    tone: str = Field("", max_length=80)
    format: str = ""
    length: str = Field("", max_length=80)  # "22-minute episode", "2 pages", ...
    unusual: bool = False

    def model_post_init(self, _: object) -> None:
        if self.format and self.format not in FORMATS:
            raise StudioError(f"unknown format '{self.format}' (known: {', '.join(FORMATS)})")

    @property
    def empty(self) -> bool:
        return not (self.notes.strip() or self.tone.strip() or self.format or self.length.strip() or self.unusual)

    def prompt_lines(self) -> list[str]:
        """The lines a prompt carries; none at all without steering."""
        lines: list[str] = []
        if self.format:
            lines.append(f"FORMAT: {FORMATS[self.format]}.")
        if self.length.strip():
            lines.append(f"LENGTH: {' '.join(self.length.split())}.")
        if self.tone.strip():
            lines.append(f"TONE: {' '.join(self.tone.split())}.")
        if self.unusual:
            lines.append("Give it exactly one unusual thing: a single strange, specific element; play everything else straight.")
        if self.notes.strip():
            lines.append(f"THE WRITER'S NOTES (follow them): {' '.join(self.notes.split())}")
        return lines

    def block(self) -> str:
        return "\n".join(self.prompt_lines())


class Recipe(BaseModel):
    """How one alternative was generated: enough to say it in a line and to make it again."""

    model: str
    seed: int
    temperature: float
    max_tokens: int
    steering: Steering = Field(default_factory=Steering)
    instruction: str = ""  # span rewrites and punch-up passes

    def line(self) -> str:
        parts = [self.model, f"seed {self.seed}", f"temperature {self.temperature:g}", f"≤{self.max_tokens} tokens"]
        s = self.steering
        if s.format:
            parts.append(s.format)
        if s.tone.strip():
            parts.append(f"tone: {s.tone.strip()}")
        if s.length.strip():
            parts.append(f"length: {s.length.strip()}")
        if s.unusual:
            parts.append("one unusual thing")
        if self.instruction.strip():
            parts.append(f"asked: {_quote(self.instruction)}")
        if s.notes.strip():
            parts.append(f"notes: {_quote(s.notes)}")
        return " · ".join(parts)


def _quote(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return f"“{flat if len(flat) <= width else flat[: width - 1] + '…'}”"
