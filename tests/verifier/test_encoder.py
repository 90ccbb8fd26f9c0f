"""The embedded MiniLM verifier: caching across candidates and steps, training reduces the loss and ranks
the positive first, save/load round trip. MiniLM is loaded once for the module (~5 s)."""

from __future__ import annotations

import json
import os
import random

import pytest
import torch

from vera.errors import ConfigError
from vera.verifier.cues import FEATURE_SETS
from vera.verifier.encoder import (
    EncoderVerifier,
    HeadConfig,
    VerifierHead,
)
from vera.verifier.scorer import PreferenceExample, Scorer, pairwise_accuracy

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ITEMS = ["Alarms", "Contacts", "Settings", "Calendar", "Notes", "Camera", "Gallery", "Files", "Music",
         "Weather", "Maps", "Recipes", "Expenses", "Browser", "Clock", "Messages"]


def _screen(labels: list[str]) -> str:
    return "\n".join(f"<button id={i}>{label}</button>" for i, label in enumerate(labels))


def _example(rng: random.Random) -> PreferenceExample:
    """A two-step goal with its first step done: the positive opens the second item, not the first again."""
    labels = rng.sample(ITEMS, 6)
    first, second = labels[0], labels[1]
    rng.shuffle(labels)
    context = (f"Goal: open {first}, then open {second}\nDone: clicked {first}\n"
               f"Screen: {_screen(labels)}")
    cands = [f'{{"action_type": "click", "index": {i}}} on <button id={i}>{label}</button>'
             for i, label in enumerate(labels)]
    positive = cands[labels.index(second)]
    return PreferenceExample(context, positive, tuple(c for c in cands if c != positive))


def _top1(verifier: EncoderVerifier, examples: list[PreferenceExample]) -> int:
    hits = 0
    for ex in examples:
        scores = verifier.score(ex.context, [ex.positive, *ex.negatives])
        hits += int(max(range(len(scores)), key=scores.__getitem__) == 0)
    return hits


@pytest.fixture(scope="module")
def verifier():
    return EncoderVerifier(seed=0)


def test_scores_and_embedding_cache(verifier):
    assert isinstance(verifier, Scorer)
    ex = _example(random.Random(0))
    cands = [ex.positive, *ex.negatives]
    verifier.embedder.stats.update(hits=0, encoded=0)
    first = verifier.score(ex.context, cands)
    encoded_first = verifier.embedder.stats["encoded"]
    assert len(first) == len(cands) and encoded_first > len(cands)
    # the next step shares the goal and the candidates: only the changed lines are encoded
    step2 = ex.context.replace("Done: clicked", "Done: scrolled down, clicked")
    verifier.score(step2, cands)
    assert verifier.embedder.stats["encoded"] - encoded_first == 1
    # candidate order does not change a candidate's score
    shuffled = dict(zip(cands[::-1], verifier.score(ex.context, cands[::-1]), strict=True))
    assert all(abs(shuffled[c] - s) < 1e-5 for c, s in zip(cands, first, strict=True))
    batch = verifier.score_batch([(ex.context, cands), (step2, cands[:2])])
    assert batch[0] == pytest.approx(first, abs=1e-5) and len(batch[1]) == 2
    assert verifier.score(ex.context, []) == []


def test_training_reduces_loss_and_ranks_positive_first(tmp_path, verifier):
    verifier = EncoderVerifier(seed=1, embedder=verifier.embedder)
    rng = random.Random(1)
    train = [_example(rng) for _ in range(48)]
    held_out = [_example(rng) for _ in range(10)]
    before = _top1(verifier, held_out)
    optimizer = verifier.make_optimizer(lr=3e-3)
    losses = []
    for step in range(30):
        batch = [train[(step * 8 + i) % len(train)] for i in range(8)]
        losses.append(verifier.train_step(batch, optimizer, margin=0.5)["loss"])
    assert sum(losses[-5:]) / 5 < 0.5 * sum(losses[:5]) / 5
    after = _top1(verifier, held_out)
    assert after >= max(before, 9), (before, after)  # (the cues alone may already rank some first)
    assert pairwise_accuracy(verifier, held_out) >= 0.98

    path = verifier.save(tmp_path / "verifier.safetensors", {"trained_on": "synthetic"})
    assert path.stat().st_size < 20 * 2**20
    loaded = EncoderVerifier.load(path, embedder=verifier.embedder)
    ex = held_out[0]
    cands = [ex.positive, *ex.negatives]
    assert loaded.score(ex.context, cands) == pytest.approx(verifier.score(ex.context, cands), abs=1e-6)
    assert EncoderVerifier.read_metadata(path)["trained_on"] == "synthetic"
    with pytest.raises(ConfigError, match="no verifier head"):
        EncoderVerifier.load(tmp_path / "missing.safetensors", embedder=verifier.embedder)


def test_ensemble_scores_the_mean_of_its_heads_and_round_trips(tmp_path, verifier):
    from vera.verifier.encoder import EncoderEnsemble, load_encoder_scorer

    members = [EncoderVerifier(seed=s, embedder=verifier.embedder, config=HeadConfig(features=f))
               for s, f in ((1, "toggles"), (2, "toggles"), (3, "progress"))]
    ensemble = EncoderEnsemble(members)
    ex = _example(random.Random(3))
    cands = [ex.positive, *ex.negatives]
    per_head = torch.tensor([m.score(ex.context, cands) for m in members])
    assert ensemble.score(ex.context, cands) == pytest.approx(per_head.mean(0).tolist(), abs=1e-5)
    assert ensemble.score_batch([(ex.context, cands)]) == [ensemble.score(ex.context, cands)]
    assert ensemble.score(ex.context, []) == []

    path = ensemble.save(tmp_path / "ensemble.safetensors", {"note": "three heads"})
    loaded = load_encoder_scorer(path, embedder=verifier.embedder)
    assert isinstance(loaded, EncoderEnsemble) and len(loaded.members) == 3
    assert [m.head.config.features for m in loaded.members] == ["toggles", "toggles", "progress"]
    assert loaded.score(ex.context, cands) == pytest.approx(ensemble.score(ex.context, cands), abs=1e-6)
    assert EncoderVerifier.read_metadata(path)["note"] == "three heads"
    single = members[0].save(tmp_path / "single.safetensors")
    assert isinstance(load_encoder_scorer(single, embedder=verifier.embedder), EncoderVerifier)
    with pytest.raises(ConfigError, match="load ensembles with load_encoder_scorer"):
        EncoderVerifier.load(path, embedder=verifier.embedder)
    with pytest.raises(ConfigError, match="not an encoder ensemble"):
        EncoderEnsemble.load(single, embedder=verifier.embedder)
    with pytest.raises(ConfigError, match="at least one head"):
        EncoderEnsemble([])


def test_score_tensor_is_differentiable(verifier):
    ex = _example(random.Random(2))
    scores = verifier.score_tensor(ex.context, [ex.positive, *ex.negatives])
    scores.sum().backward()
    grads = [p.grad for p in verifier.trainable_parameters() if p.grad is not None]
    assert grads and any(torch.any(g != 0) for g in grads)


def test_text_forms_and_old_heads(tmp_path, verifier):
    from safetensors.torch import save_file

    from vera.verifier.encoder import normalize_text, split_candidate

    assert split_candidate("click button 'Wi-Fi' #3") == ("click button", "'Wi-Fi' #3")
    assert normalize_text("'Wi-Fi' #3") == "'Wi-Fi'"
    assert split_candidate('{"action_type": "open_app", "app_name": "Clock"}')[1] is None
    assert split_candidate("click button 'Wi-Fi' #3", "on_target") == ("click button 'Wi-Fi' #3", None)
    # the value form: a typed value goes with the action, the field is the target (shared by all values)
    assert split_candidate("type 'Ann' into input 'Name' (empty) #2", "value") == ("type 'Ann'",
                                                                                  "input 'Name' (empty) #2")
    assert split_candidate("type 'Ann' into input 'Name' (empty) #2", "quoted")[0] == "type"
    assert split_candidate("click button 'Wi-Fi' #3", "value") == ("click button", "'Wi-Fi' #3")
    # a head saved before text forms and feature sets existed keeps the ones it was trained with
    torch.manual_seed(0)
    old = EncoderVerifier(VerifierHead(HeadConfig(features="lexical", text_form="quoted")), verifier.embedder)
    path = old.save(tmp_path / "old.safetensors")
    meta = EncoderVerifier.read_metadata(path)
    config = json.loads(meta["head_config"])
    del config["text_form"], config["features"]
    state = {k: v.contiguous() for k, v in old.head.state_dict().items()}
    save_file(state, str(path), metadata={**meta, "head_config": json.dumps(config)})
    loaded = EncoderVerifier.load(path, embedder=verifier.embedder)
    assert (loaded.head.config.text_form, loaded.head.config.features) == ("on_target", "lexical")
    assert len(loaded.score("Goal: a\nScreen: b", ["click button 'b' #1", "navigate back"])) == 2
    assert (verifier.head.config.text_form, verifier.head.config.features) == ("value", "progress")
    # a head from a newer vera (an unknown setting) gives a clear error, not a shape mismatch
    save_file(state, str(path), metadata={**meta, "head_config": json.dumps({**config, "features": "lexical",
                                                                             "future_knob": 1})})
    with pytest.raises(ConfigError, match="does not know"):
        EncoderVerifier.load(path, embedder=verifier.embedder)
    with pytest.raises(ConfigError, match="features must be one of"):
        VerifierHead(HeadConfig(features="nope"))


def test_context_dropout_scores_from_cues_alone_in_training():
    torch.manual_seed(0)
    head = VerifierHead(HeadConfig(dropout=0.0, context_dropout=1.0))
    n_cues = FEATURE_SETS["progress"]
    segments, actions = torch.randn(5, 384), torch.randn(3, 384)
    cues = torch.rand(3, n_cues)
    rotation, _ = torch.linalg.qr(torch.randn(384, 384))  # other embeddings, the same cosines
    head.train()
    a = head(segments, actions, torch.zeros_like(actions), cues)
    b = head(segments @ rotation, actions @ rotation, torch.zeros_like(actions), cues)
    assert torch.allclose(a, b, atol=1e-5)  # the embeddings were dropped: only cues and cosines count
    head.eval()  # never at inference
    c = head(segments, actions, torch.zeros_like(actions), cues)
    d = head(segments @ rotation, actions @ rotation, torch.zeros_like(actions), cues)
    assert not torch.allclose(c, d, atol=1e-5)


def test_embedder_runs_float32_from_a_half_precision_folder(tmp_path):
    """A MiniLM-shaped folder saved in float16 (half the size to ship or carry) still embeds in float32,
    the head's precision; a folder without a model is a clear error."""
    import shutil

    from transformers import BertConfig, BertModel

    from vera.errors import DataError
    from vera.verifier.encoder import TextEmbedder, minilm_path

    source = minilm_path()
    for name in ("vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        if (source / name).is_file():
            shutil.copy(source / name, tmp_path / name)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64)
    BertModel(config).half().save_pretrained(tmp_path)
    embedder = TextEmbedder(tmp_path)
    assert next(embedder.model.parameters()).dtype == torch.float32
    rows = embedder.embed(["open the Clock app", "turn on Wi-Fi"])
    assert rows.dtype == torch.float32 and rows.shape == (2, 32)
    assert torch.allclose(rows.norm(dim=-1), torch.ones(2), atol=1e-5)
    with pytest.raises(DataError, match="no MiniLM model"):
        TextEmbedder(tmp_path / "missing")
