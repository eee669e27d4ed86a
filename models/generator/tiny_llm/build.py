"""Build the tiny-llm test fixture: a GPT-2-shaped causal LM for transformers.js.

Run from the repository root (takes well under a minute on one CPU core):

    /usr/bin/python3 -B models/generator/tiny_llm/build.py

Writes, in the layout of a Hub ONNX text-generation repository
(e.g. onnx-community/SmolLM2-135M-Instruct, Xenova/gpt2):

    models/tiny-llm/config.json
    models/tiny-llm/generation_config.json
    models/tiny-llm/tokenizer.json            byte-level BPE, ChatML special tokens
    models/tiny-llm/tokenizer_config.json     incl. the ChatML `chat_template`
    models/tiny-llm/onnx/model.onnx           fp32, with KV cache (past_key_values.* -> present.*)

and models/generator/tiny_llm/reference.json (token ids, logits and greedy
continuations computed by PyTorch) that verify.mjs compares with what
transformers.js / onnxruntime produce.

The model is plain PyTorch written here: token + position embeddings, pre-LN
blocks (causal self-attention, GELU-tanh MLP), final LayerNorm, LM head tied to
the token embedding. Weights are seeded, then trained for a few hundred steps on
a generated toy corpus of ChatML "rephrase this photo-search query" chats, so
its output looks vaguely query-shaped and usually ends with <|im_end|>. It is
a test fixture only: the text is nonsense.

Needs only torch (1.13 works), onnx and numpy: no `transformers`/`tokenizers`.
"""

from __future__ import annotations

import json
import math
import os
import random
import re
import sys
import time
from collections import Counter

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
OUT = os.path.join(REPO, "models", "tiny-llm")
REFERENCE = os.path.join(HERE, "reference.json")

SEED = 20240611
N_EMBD, N_LAYER, N_HEAD = 64, 2, 4
N_POSITIONS = 1024
VOCAB_SIZE = 512  # 3 special tokens + 256 byte symbols + 253 merges
TRAIN_STEPS = int(os.environ.get("TINY_LLM_STEPS", "300"))
BATCH = 32
OPSET = 14

# ChatML special tokens, ids as in SmolLM2: 0 <|endoftext|>, 1 <|im_start|>, 2 <|im_end|>
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
UNK_ID, BOS_ID, EOS_ID = 0, 1, 2
PAD_ID = EOS_ID
DEFAULT_SYSTEM = "You are a helpful assistant that rewrites photo search queries."

CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{%- if loop.first and message['role'] != 'system' %}"
    "{{- '<|im_start|>system\\n" + DEFAULT_SYSTEM + "<|im_end|>\\n' }}"
    "{%- endif %}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}"
    "{{- '<|im_start|>assistant\\n' }}"
    "{%- endif %}"
)


def render_chat(messages: list[dict], add_generation_prompt: bool) -> str:
    """Python twin of CHAT_TEMPLATE (checked against the Jinja one by verify.mjs)."""
    out = ""
    for i, m in enumerate(messages):
        if i == 0 and m["role"] != "system":
            out += "<|im_start|>system\n" + DEFAULT_SYSTEM + "<|im_end|>\n"
        out += "<|im_start|>" + m["role"] + "\n" + m["content"] + "<|im_end|>\n"
    if add_generation_prompt:
        out += "<|im_start|>assistant\n"
    return out


# --------------------------------------------------------------------------- corpus

COLOURS = {
    "red": ["crimson", "scarlet"], "blue": ["azure", "navy"], "green": ["emerald", "olive"],
    "yellow": ["golden", "lemon"], "black": ["dark", "ebony"], "white": ["pale", "snowy"],
    "orange": ["amber", "tangerine"], "purple": ["violet", "lilac"], "pink": ["rose", "salmon"],
    "grey": ["silver", "ashen"], "brown": ["tan", "chocolate"],
}
THINGS = {
    "circle": ["round shape", "disc"], "square": ["box shape", "block"], "triangle": ["three sided shape", "wedge"],
    "dog": ["puppy", "hound"], "cat": ["kitten", "feline"], "car": ["vehicle", "automobile"],
    "house": ["building", "home"], "flower": ["blossom", "bloom"], "tree": ["oak", "forest tree"],
    "bird": ["songbird", "small bird"], "boat": ["sailboat", "ship"], "bike": ["bicycle", "cycle"],
    "mountain": ["peak", "hills"], "sunset": ["dusk sky", "evening sun"], "beach": ["seaside", "sandy shore"],
    "person": ["man", "woman"], "cake": ["dessert", "pastry"], "door": ["doorway", "entrance"],
}
PLACES = ["", "", "", " on the beach", " in the snow", " at night", " in the park", " by the lake",
          " in the city", " on a table", " in the garden"]
ARTICLES = ["a ", "the ", "", "photos of ", "pictures of ", "my "]
SYSTEM_PROMPTS = [
    DEFAULT_SYSTEM,
    "Rewrite the photo search query as a short description of the picture.",
    "You rephrase search queries for a photo library. Answer with the rewritten query only.",
    "Expand the user's photo search into a caption.",
]


def corpus(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    """(system, user, assistant) triples."""
    colours, things = sorted(COLOURS), sorted(THINGS)
    out = []
    for _ in range(n):
        c, t, p = rng.choice(colours), rng.choice(things), rng.choice(PLACES)
        user = rng.choice(ARTICLES) + (c + " " if rng.random() < 0.8 else "") + t + p
        if rng.random() < 0.3:
            user = user.capitalize()
        cs, ts = rng.choice(COLOURS[c]), rng.choice(THINGS[t])
        answer = rng.choice([
            f"a photo of a {cs} {ts}{p}",
            f"{cs} {ts}{p}, {c} {t}",
            f"a {c} {t}, {cs} {ts}{p}",
        ])
        out.append((rng.choice(SYSTEM_PROMPTS), user, answer))
    return out


# --------------------------------------------------------------------------- byte-level BPE


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character map (same table as @huggingface/tokenizers)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


BYTE_ENCODER = bytes_to_unicode()
# The ByteLevel pre-tokenizer's split regex, written for Python's `re`
# (letters = [^\W\d_], digits = \d; identical to the JS \p{L}/\p{N} version on ASCII).
PRETOKENIZE = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")
SPECIAL_SPLIT = re.compile("(" + "|".join(re.escape(s) for s in SPECIALS) + ")")


def pre_tokenize(text: str) -> list[str]:
    return ["".join(BYTE_ENCODER[b] for b in w.encode("utf-8")) for w in PRETOKENIZE.findall(text)]


def train_bpe(texts: list[str], n_merges: int) -> list[tuple[str, str]]:
    words = Counter(w for t in texts for w in pre_tokenize(t))
    seqs = {w: list(w) for w in words}
    merges: list[tuple[str, str]] = []
    for _ in range(n_merges):
        pairs: Counter = Counter()
        for w, n in words.items():
            s = seqs[w]
            for a, b in zip(s, s[1:]):
                pairs[(a, b)] += n
        if not pairs:
            break
        best = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[0]  # most frequent, ties by text
        merges.append(best)
        joined = best[0] + best[1]
        for w in words:
            s, i, new = seqs[w], 0, []
            while i < len(s):
                if i + 1 < len(s) and (s[i], s[i + 1]) == best:
                    new.append(joined)
                    i += 2
                else:
                    new.append(s[i])
                    i += 1
            seqs[w] = new
    return merges


class ByteBPE:
    def __init__(self, merges: list[tuple[str, str]]):
        self.merges = merges
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.vocab = {s: i for i, s in enumerate(SPECIALS)}
        for b in range(256):
            self.vocab[BYTE_ENCODER[b]] = len(self.vocab)
        for a, b in merges:
            self.vocab.setdefault(a + b, len(self.vocab))
        self.cache: dict[str, list[str]] = {}

    def bpe(self, word: str) -> list[str]:
        if word in self.cache:
            return self.cache[word]
        parts = list(word)
        while len(parts) > 1:
            ranked = [(self.ranks.get((a, b), math.inf), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
            rank, i = min(ranked)
            if rank == math.inf:
                break
            parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2:]
        self.cache[word] = parts
        return parts

    def encode(self, text: str) -> list[int]:
        ids = []
        for piece in SPECIAL_SPLIT.split(text):
            if not piece:
                continue
            if piece in SPECIALS:
                ids.append(self.vocab[piece])
                continue
            for w in pre_tokenize(piece):
                ids.extend(self.vocab[p] for p in self.bpe(w))
        return ids

    def tokenizer_json(self) -> dict:
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [
                {"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                 "normalized": False, "special": True}
                for i, s in enumerate(SPECIALS)
            ],
            "normalizer": None,
            "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
            "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
            "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
            "model": {
                "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                "vocab": self.vocab,
                "merges": [[a, b] for a, b in self.merges],
            },
        }


def tokenizer_config() -> dict:
    return {
        "add_prefix_space": False,
        "added_tokens_decoder": {
            str(i): {"content": s, "lstrip": False, "normalized": False, "rstrip": False,
                     "single_word": False, "special": True}
            for i, s in enumerate(SPECIALS)
        },
        "additional_special_tokens": ["<|im_start|>", "<|im_end|>"],
        "bos_token": "<|im_start|>",
        "eos_token": "<|im_end|>",
        "pad_token": "<|im_end|>",
        "unk_token": "<|endoftext|>",
        "chat_template": CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "model_max_length": N_POSITIONS,
        "tokenizer_class": "GPT2Tokenizer",
        "vocab_size": VOCAB_SIZE,
    }


# --------------------------------------------------------------------------- model


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(N_EMBD, eps=1e-5)
        self.c_attn = nn.Linear(N_EMBD, 3 * N_EMBD)
        self.c_proj = nn.Linear(N_EMBD, N_EMBD)
        self.ln_2 = nn.LayerNorm(N_EMBD, eps=1e-5)
        self.mlp_fc = nn.Linear(N_EMBD, 4 * N_EMBD)
        self.mlp_proj = nn.Linear(4 * N_EMBD, N_EMBD)

    def forward(self, x, allowed, past_k, past_v):
        """x [B,S,C]; allowed [B,1,S,P+S] bool; past_k/v [B,H,P,D]. Returns x, present_k, present_v."""
        b, s, c = x.shape
        d = N_EMBD // N_HEAD
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q = q.view(b, s, N_HEAD, d).transpose(1, 2)
        k = torch.cat([past_k, k.view(b, s, N_HEAD, d).transpose(1, 2)], dim=2)
        v = torch.cat([past_v, v.view(b, s, N_HEAD, d).transpose(1, 2)], dim=2)
        att = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(d))
        att = att.masked_fill(~allowed, -1e9)
        y = torch.matmul(torch.softmax(att, dim=-1), v)
        x = x + self.c_proj(y.transpose(1, 2).reshape(b, s, c))
        x = x + self.mlp_proj(F.gelu(self.mlp_fc(self.ln_2(x)), approximate="tanh"))
        return x, k, v


class TinyGPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(VOCAB_SIZE, N_EMBD)
        self.wpe = nn.Embedding(N_POSITIONS, N_EMBD)
        self.h = nn.ModuleList([Block() for _ in range(N_LAYER)])
        self.ln_f = nn.LayerNorm(N_EMBD, eps=1e-5)
        for name, p in self.named_parameters():
            if name.endswith("weight") and p.dim() == 2:
                nn.init.normal_(p, std=0.02)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, input_ids, attention_mask, position_ids, past: list[torch.Tensor]):
        """past = [k0, v0, k1, v1, ...], each [B,H,P,D]. Returns logits [B,S,V] and presents (same order)."""
        s = input_ids.shape[1]
        p = past[0].shape[2]
        q_pos = torch.arange(s, dtype=torch.int64) + p
        k_pos = torch.arange(p + s, dtype=torch.int64)
        causal = k_pos.unsqueeze(0) <= q_pos.unsqueeze(1)  # [S, P+S]
        allowed = causal.unsqueeze(0).unsqueeze(0) & (attention_mask > 0).unsqueeze(1).unsqueeze(2)
        pos = torch.clamp(position_ids, 0, N_POSITIONS - 1)  # never index past the table
        x = self.wte(input_ids) + self.wpe(pos)
        presents = []
        for i, block in enumerate(self.h):
            x, k, v = block(x, allowed, past[2 * i], past[2 * i + 1])
            presents += [k, v]
        logits = torch.matmul(self.ln_f(x), self.wte.weight.t())  # tied LM head
        return logits, presents

    def empty_past(self, batch: int) -> list[torch.Tensor]:
        return [torch.zeros(batch, N_HEAD, 0, N_EMBD // N_HEAD) for _ in range(2 * N_LAYER)]

    def full(self, ids: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        """No-cache forward with positions from the mask (as transformers.js computes them)."""
        if mask is None:
            mask = torch.ones_like(ids)
        pos = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)
        return self(ids, mask, pos, self.empty_past(ids.shape[0]))[0]


class OnnxWrapper(nn.Module):
    def __init__(self, model: TinyGPT):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, position_ids, *past):
        logits, presents = self.model(input_ids, attention_mask, position_ids, list(past))
        return (logits, *presents)


# --------------------------------------------------------------------------- build steps


def train(model: TinyGPT, tok: ByteBPE, chats, steps: int) -> list[float]:
    seqs = []
    for system, user, answer in chats:
        prompt = render_chat([{"role": "system", "content": system}, {"role": "user", "content": user}], True)
        ids = tok.encode(prompt + answer + "<|im_end|>")
        seqs.append((ids, len(tok.encode(prompt))))
    gen = torch.Generator().manual_seed(SEED + 1)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=max(steps, 1), pct_start=0.1)
    losses = []
    model.train()
    for step in range(steps):
        idx = torch.randint(len(seqs), (BATCH,), generator=gen).tolist()
        batch = [seqs[i] for i in idx]
        n = max(len(ids) for ids, _ in batch)
        x = torch.full((BATCH, n), PAD_ID, dtype=torch.int64)
        w = torch.zeros(BATCH, n)  # loss weight per target position
        for r, (ids, plen) in enumerate(batch):
            x[r, : len(ids)] = torch.tensor(ids)
            w[r, : len(ids) - 1] = 0.25  # learn the prompt a little...
            w[r, plen - 1: len(ids) - 1] = 1.0  # ...and the answer (incl. <|im_end|>) fully
        mask = torch.ones_like(x)
        logits = model.full(x, mask)[:, :-1]
        loss = F.cross_entropy(logits.reshape(-1, VOCAB_SIZE), x[:, 1:].reshape(-1), reduction="none")
        loss = (loss * w[:, :-1].reshape(-1)).sum() / w[:, :-1].sum()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        losses.append(loss.item())
        if step % 50 == 0 or step == steps - 1:
            print(f"  step {step:4d}  loss {loss.item():.3f}", flush=True)
    model.eval()
    return losses


@torch.no_grad()
def greedy(model: TinyGPT, ids: list[int], max_new_tokens: int) -> list[int]:
    """Greedy decoding without a cache (recomputes the whole sequence each step)."""
    seq = list(ids)
    for _ in range(max_new_tokens):
        nxt = int(model.full(torch.tensor([seq]))[0, -1].argmax())
        seq.append(nxt)
        if nxt == EOS_ID:
            break
    return seq[len(ids):]


def export_onnx(model: TinyGPT, path: str) -> None:
    b, s, p = 2, 3, 4  # dummy shapes, all distinct so nothing gets specialised
    d = N_EMBD // N_HEAD
    input_ids = torch.randint(3, VOCAB_SIZE, (b, s))
    mask = torch.ones(b, p + s, dtype=torch.int64)
    pos = torch.arange(p, p + s).unsqueeze(0).repeat(b, 1)
    past = [torch.randn(b, N_HEAD, p, d) for _ in range(2 * N_LAYER)]
    past_names, present_names = [], []
    for i in range(N_LAYER):
        past_names += [f"past_key_values.{i}.key", f"past_key_values.{i}.value"]
        present_names += [f"present.{i}.key", f"present.{i}.value"]
    # The batch axis must be called "batch_size": transformers.js builds the empty first-step cache
    # from the session's input metadata and resolves only that symbol (any other symbol -> 0).
    axes = {
        "input_ids": {0: "batch_size", 1: "sequence_length"},
        "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
        "position_ids": {0: "batch_size", 1: "sequence_length"},
        "logits": {0: "batch_size", 1: "sequence_length"},
    }
    for n in past_names:
        axes[n] = {0: "batch_size", 2: "past_sequence_length"}
    for n in present_names:
        axes[n] = {0: "batch_size", 2: "total_sequence_length"}
    torch.onnx.export(
        OnnxWrapper(model), (input_ids, mask, pos, *past), path,
        input_names=["input_ids", "attention_mask", "position_ids", *past_names],
        output_names=["logits", *present_names],
        dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True,
    )
    m = onnx.load(path)
    onnx.checker.check_model(m)
    m.producer_name = "lumen tiny-llm fixture (models/generator/tiny_llm/build.py)"
    onnx.save(m, path)


def io_summary(path: str) -> dict:
    m = onnx.load(path)

    def dims(vi):
        return [d.dim_param or d.dim_value for d in vi.type.tensor_type.shape.dim]

    elem = {1: "float32", 7: "int64"}
    return {
        "inputs": {i.name: [elem.get(i.type.tensor_type.elem_type), dims(i)] for i in m.graph.input},
        "outputs": {o.name: [elem.get(o.type.tensor_type.elem_type), dims(o)] for o in m.graph.output},
    }


def pretty_json(value, col: int = 0, indent: int = 0, trailing: int = 0) -> str:
    """JSON laid out the way the repo's Prettier (printWidth 100) prints it, so `prettier --check .`
    passes: objects always expanded, arrays on one line when they fit, else one item per line."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = list(value.items())
        lines = []
        for i, (k, v) in enumerate(items):
            key = json.dumps(k, ensure_ascii=False) + ": "
            comma = 1 if i < len(items) - 1 else 0
            lines.append(pad + "  " + key + pretty_json(v, indent + 2 + len(key), indent + 2, comma))
        return "{\n" + ",\n".join(lines) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        if not any(isinstance(v, dict) for v in value):
            flat = "[" + ", ".join(pretty_json(v, 0, 0) for v in value) + "]"
            if "\n" not in flat and col + len(flat) + trailing <= 100:
                return flat
        lines = [pad + "  " + pretty_json(v, indent + 2, indent + 2, 1 if i < len(value) - 1 else 0)
                 for i, v in enumerate(value)]
        return "[\n" + ",\n".join(lines) + "\n" + pad + "]"
    text = json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and "e" in text:  # Prettier prints 1e-05 as 1e-5
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


def write_json(path: str, obj) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(pretty_json(obj) + "\n")


def main() -> None:
    t0 = time.time()
    torch.set_num_threads(1)  # stay light: other jobs share these CPUs
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    os.makedirs(os.path.join(OUT, "onnx"), exist_ok=True)

    chats = corpus(rng, 4000)
    texts = [t for chat in chats[:1500] for t in chat] + SYSTEM_PROMPTS + [DEFAULT_SYSTEM, "system", "user", "assistant"]
    n_merges = VOCAB_SIZE - len(SPECIALS) - 256
    merges = train_bpe(texts, n_merges)
    tok = ByteBPE(merges)
    assert len(tok.vocab) == VOCAB_SIZE, len(tok.vocab)
    print(f"tokenizer: byte-level BPE, {len(merges)} merges, vocab {len(tok.vocab)}  ({time.time() - t0:.1f}s)")

    model = TinyGPT()
    print(f"model: {sum(p.numel() for p in model.parameters())} parameters; training {TRAIN_STEPS} steps")
    losses = train(model, tok, chats, TRAIN_STEPS)
    print(f"trained ({time.time() - t0:.1f}s)")

    # ---- Hub-layout files
    write_json(os.path.join(OUT, "tokenizer.json"), tok.tokenizer_json())
    write_json(os.path.join(OUT, "tokenizer_config.json"), tokenizer_config())
    write_json(os.path.join(OUT, "config.json"), {
        "_name_or_path": "lumen/tiny-llm",
        "architectures": ["GPT2LMHeadModel"],
        "model_type": "gpt2",
        "vocab_size": VOCAB_SIZE,
        "n_embd": N_EMBD,
        "n_layer": N_LAYER,
        "n_head": N_HEAD,
        "n_inner": 4 * N_EMBD,
        "n_positions": N_POSITIONS,
        "n_ctx": N_POSITIONS,
        "activation_function": "gelu_new",
        "layer_norm_epsilon": 1e-5,
        "initializer_range": 0.02,
        "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0,
        "scale_attn_weights": True,
        "tie_word_embeddings": True,
        "use_cache": True,
        "bos_token_id": BOS_ID,
        "eos_token_id": EOS_ID,
        "pad_token_id": PAD_ID,
        "torch_dtype": "float32",
        "transformers.js_config": {"dtype": "fp32", "use_external_data_format": False},
    })
    write_json(os.path.join(OUT, "generation_config.json"), {
        "bos_token_id": BOS_ID,
        "eos_token_id": EOS_ID,
        "pad_token_id": PAD_ID,
    })
    onnx_path = os.path.join(OUT, "onnx", "model.onnx")
    export_onnx(model, onnx_path)
    print(f"exported {onnx_path} ({time.time() - t0:.1f}s)")

    # ---- reference values for verify.mjs
    probes = ["a red circle", "Hello, world! 123 ünïcödé 🙂 _under_score", "photos of my dog on the beach"]
    sys_msg = "Rewrite the photo search query as a short description of the picture."
    chat = [{"role": "system", "content": sys_msg}, {"role": "user", "content": "a red circle"}]
    prompt = render_chat(chat, True)
    prompt_ids = tok.encode(prompt)
    with torch.no_grad():
        logits = model.full(torch.tensor([prompt_ids]))[0]
        # left-padded batch of two prompts, as the pipeline builds it for batched chats
        short = tok.encode(render_chat([{"role": "user", "content": "cat"}], True))
        pad = len(prompt_ids) - len(short)
        batch_ids = torch.tensor([prompt_ids, [PAD_ID] * pad + short])
        batch_mask = torch.tensor([[1] * len(prompt_ids), [0] * pad + [1] * len(short)])
        batch_last = model.full(batch_ids, batch_mask)[:, -1]
    write_json(REFERENCE, {
        "note": "written by build.py; compared against transformers.js by verify.mjs",
        "encodings": {t: tok.encode(t) for t in probes},
        "chat": chat,
        "prompt": prompt,
        "prompt_ids": prompt_ids,
        "logits_last": [round(float(v), 6) for v in logits[-1]],
        "logits_first": [round(float(v), 6) for v in logits[0]],
        "batch_last_logits": [[round(float(v), 6) for v in row] for row in batch_last],
        "greedy_20": greedy(model, prompt_ids, 20),
        "greedy_text_prompt": {"text": "a red circle", "ids": greedy(model, tok.encode("a red circle"), 20)},
        "io": io_summary(onnx_path),
        "final_loss": round(losses[-1], 4) if losses else None,
    })

    total = 0
    for root, _, files in os.walk(OUT):
        for f in sorted(files):
            size = os.path.getsize(os.path.join(root, f))
            total += size
            print(f"  {os.path.relpath(os.path.join(root, f), REPO):45s} {size:9d} bytes")
    print(f"  total {total} bytes; done in {time.time() - t0:.1f}s")


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    main()
