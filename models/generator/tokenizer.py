"""Word-level tokenizer of the tiny world, and its Hugging Face `tokenizer.json`.

Ids: the world's words in sorted order, then `<|unk|>`, `<|startoftext|>`,
`<|endoftext|>`. End-of-text has the highest id, because the text tower pools at
argmax(input_ids) (the CLIP convention); padding uses the same token.

The JSON describes a WordPiece model whose vocabulary holds whole words only and
no `##` continuation pieces, so any word outside the vocabulary maps to
`<|unk|>` as a whole (transformers.js v4 / @huggingface/tokenizers has no
WordLevel model). Normaliser: Lowercase. Pre-tokenizer: Whitespace, i.e. the
regex \\w+|[^\\w\\s]+ (ASCII \\w, as JavaScript evaluates it).
"""

from __future__ import annotations

import json
import re

import world

UNK, BOS, EOS = "<|unk|>", "<|startoftext|>", "<|endoftext|>"
MAX_LENGTH = 64  # positions of the text tower; also the tokenizer's model_max_length

_SPLIT = re.compile(r"\w+|[^\w\s]+", flags=re.ASCII)
_SPECIALS = re.compile("(" + "|".join(re.escape(t) for t in (UNK, BOS, EOS)) + ")")


class WorldTokenizer:
    def __init__(self, words: list[str] | None = None):
        words = words if words is not None else world.vocabulary_words()
        self.vocab = {w: i for i, w in enumerate(words)}
        for special in (UNK, BOS, EOS):
            self.vocab[special] = len(self.vocab)
        self.unk_id, self.bos_id, self.eos_id = (self.vocab[t] for t in (UNK, BOS, EOS))
        self.pad_id = self.eos_id
        assert self.eos_id == max(self.vocab.values())

    def __len__(self):
        return len(self.vocab)

    def encode(self, text: str) -> list[int]:
        """Ids with start and end tokens, no truncation (like transformers.js with defaults).

        Special tokens written literally in the text are kept whole, as the JS
        tokenizer does with added tokens (matched before normalisation)."""
        ids = []
        for part in _SPECIALS.split(text):
            if part in (UNK, BOS, EOS):
                ids.append(self.vocab[part])
            else:
                ids += [self.vocab.get(w, self.unk_id) for w in _SPLIT.findall(part.lower())]
        return [self.bos_id] + ids + [self.eos_id]

    def batch(self, texts: list[str], max_length: int = MAX_LENGTH) -> list[list[int]]:
        """Right-padded with end-of-text to the longest; over-long texts keep their end token."""
        ids = [self.encode(t) for t in texts]
        ids = [x if len(x) <= max_length else x[: max_length - 1] + [self.eos_id] for x in ids]
        n = max(len(x) for x in ids)
        return [x + [self.pad_id] * (n - len(x)) for x in ids]

    # -------------------------------------------------------------- HF files

    def tokenizer_json(self) -> dict:
        special = lambda tok: {  # noqa: E731
            "id": self.vocab[tok], "content": tok, "single_word": False, "lstrip": False,
            "rstrip": False, "normalized": False, "special": True,
        }
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [special(UNK), special(BOS), special(EOS)],
            "normalizer": {"type": "Lowercase"},
            "pre_tokenizer": {"type": "Whitespace"},
            "post_processor": {
                "type": "TemplateProcessing",
                "single": [
                    {"SpecialToken": {"id": BOS, "type_id": 0}},
                    {"Sequence": {"id": "A", "type_id": 0}},
                    {"SpecialToken": {"id": EOS, "type_id": 0}},
                ],
                "pair": [
                    {"SpecialToken": {"id": BOS, "type_id": 0}},
                    {"Sequence": {"id": "A", "type_id": 0}},
                    {"SpecialToken": {"id": EOS, "type_id": 0}},
                    {"SpecialToken": {"id": BOS, "type_id": 0}},
                    {"Sequence": {"id": "B", "type_id": 0}},
                    {"SpecialToken": {"id": EOS, "type_id": 0}},
                ],
                "special_tokens": {
                    tok: {"id": tok, "ids": [self.vocab[tok]], "tokens": [tok]} for tok in (BOS, EOS)
                },
            },
            "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
            "model": {
                "type": "WordPiece",
                "unk_token": UNK,
                "continuing_subword_prefix": "##",
                "max_input_chars_per_word": 100,
                "vocab": self.vocab,
            },
        }

    def tokenizer_config_json(self) -> dict:
        return {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": MAX_LENGTH,
            "bos_token": BOS,
            "eos_token": EOS,
            "pad_token": EOS,
            "unk_token": UNK,
            "padding_side": "right",
            "do_lower_case": True,
            "clean_up_tokenization_spaces": True,
            "add_prefix_space": False,
        }

    def save(self, directory) -> None:
        import os

        with open(os.path.join(directory, "tokenizer.json"), "w") as f:
            json.dump(self.tokenizer_json(), f, indent=1)
        with open(os.path.join(directory, "tokenizer_config.json"), "w") as f:
            json.dump(self.tokenizer_config_json(), f, indent=2)
