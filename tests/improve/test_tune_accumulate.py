"""The per-example backward passes of a tune step give exactly the gradient of the whole batch's loss.

A tiny randomly initialised Llama (real transformers + PEFT, no model file) so the
check is the training math itself: the batch loss written the plain way (every
sequence in one forward pass, DPO's mean over pairs, SFT's mean over reply tokens)
against `_accumulate`'s example-at-a-time sum.
"""

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from punchup.improve.tune.data import IGNORE, Example, Sequence, collate, sequence_logps  # noqa: E402
from punchup.improve.tune.spec import TuneParams  # noqa: E402
from punchup.improve.tune.train import _accumulate, add_lora  # noqa: E402


def tiny_model(params: TuneParams):
    torch.manual_seed(0)
    config = transformers.LlamaConfig(vocab_size=40, hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                                      num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=64)
    model = add_lora(transformers.LlamaForCausalLM(config), params)
    for name, weight in model.named_parameters():  # lora_B starts at zero: move it so the adapter matters
        if "lora_B" in name:
            torch.nn.init.normal_(weight, std=0.5)
    return model


def sequence(prompt: list[int], reply: list[int]) -> Sequence:
    return Sequence(prompt + reply, [IGNORE] * len(prompt) + reply)


EXAMPLES = [Example((sequence([1, 2, 3], [4, 5, 6, 7]), sequence([1, 2, 3], [8, 9]))),
            Example((sequence([10, 11], [12, 13, 14]), sequence([10, 11], [15, 16, 17, 18, 19]))),
            Example((sequence([20], [21, 22]), sequence([20], [23])))]


def gradients(model) -> list:
    return [p.grad.clone() for p in model.parameters() if p.requires_grad]


def batch_loss(model, params: TuneParams):
    if params.method == "sft":
        logps, counts = sequence_logps(model, collate([e.sequences[0] for e in EXAMPLES], 0, "cpu"))
        return -(logps.sum() / counts.sum())
    batch = collate([e.sequences[0] for e in EXAMPLES] + [e.sequences[1] for e in EXAMPLES], 0, "cpu")
    policy, _ = sequence_logps(model, batch)
    with torch.no_grad(), model.disable_adapter():
        reference, _ = sequence_logps(model, batch)
    n = len(EXAMPLES)
    margin = (policy[:n] - reference[:n]) - (policy[n:] - reference[n:])
    return -torch.nn.functional.logsigmoid(params.beta * margin).mean()


@pytest.mark.parametrize("method", ["sft", "dpo"])
def test_example_at_a_time_backward_equals_the_batch_gradient(method):
    params = TuneParams(method=method, rank=4, alpha=8.0, beta=0.5)
    model = tiny_model(params)
    whole = batch_loss(model, params)
    whole.backward()
    expected = gradients(model)
    model.zero_grad(set_to_none=True)
    loss, tokens = _accumulate(model, EXAMPLES, params, 0, "cpu")
    got = gradients(model)
    assert loss == pytest.approx(float(whole.detach()), rel=1e-5)
    # the sequences' own tokens, no padding; DPO's go through the policy and the reference
    assert tokens == (2 * (7 + 5 + 5 + 7 + 3 + 2) if method == "dpo" else 7 + 5 + 3)
    assert max(float((a - b).abs().max()) for a, b in zip(expected, got)) < 1e-5
    assert max(float(g.abs().max()) for g in got) > 1e-3  # the adapter really has a gradient to compare
