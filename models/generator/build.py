"""Builds everything the tiny-world fixture consists of, reproducibly:

  1. trains the tiny CLIP                       (train.py, about 15 minutes on 2 idle CPU cores)
  2. renders the e2e photo library + bad files  (make_fixtures.py -> e2e/fixtures/)
  3. exports ONNX, configs, tokenizer, head     (export.py -> models/tiny-world/)
  4. dumps PyTorch reference outputs            (-> models/generator/reference/)
  5. measures it in PyTorch and, if node is there, in transformers.js (verify.mjs)
     and writes models/tiny-world/README.md with the numbers.

    /usr/bin/python3 models/generator/build.py [--checkpoint PATH] [--reuse]

--reuse loads the checkpoint instead of training (re-export without retraining).
"""

import os
import sys

# Before torch is imported: spinning OpenMP threads crawl when the two cores are shared.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.dont_write_bytecode = True

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import evaluate  # noqa: E402
import export  # noqa: E402
import make_fixtures  # noqa: E402
import train  # noqa: E402
import world  # noqa: E402
from model import TinyClip, TinyClipConfig  # noqa: E402
from readme import write_readme  # noqa: E402
from tokenizer import WorldTokenizer  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "../.."))
MODEL_DIR = os.path.join(ROOT, "models/tiny-world")
FIXTURES = os.path.join(ROOT, "e2e/fixtures")
REFERENCE_DIR = os.path.join(HERE, "reference")

TOKENIZER_CASES = [
    "a red circle",
    "A Photo of an ORANGE star on the sand.",
    "a sharp, well-lit photo of a purple heart at night",
    "a blurry photo of a green cross, stripes background",
    "a glowing unicorn made of lava!",
    "<|endoftext|> a red circle",
    "café au lait",
    "",
]
TEXT_CASES = ["a red circle", "a blue star on sand", "a blurry photo of a yellow heart",
              "vibrant minimalist composition with a green cross in the snow, soft light"]


def dump_reference(model: TinyClip, tok: WorldTokenizer, gt: dict) -> None:
    shutil.rmtree(REFERENCE_DIR, ignore_errors=True)
    os.makedirs(REFERENCE_DIR)
    ref = {"tokenizer": [{"text": t, "ids": tok.encode(t)} for t in TOKENIZER_CASES]}
    with torch.no_grad():
        emb, _ = model.encode_text(torch.tensor(tok.batch(TEXT_CASES)))
    ref["text"] = [{"text": t, "embeds": [round(float(v), 6) for v in e]} for t, e in zip(TEXT_CASES, emb)]
    ref["images"] = []
    picks = [gt["images"][i] for i in (0, 1, 2)] + [next(im for im in gt["images"] if im["path"].endswith(".png"))]
    for k, im in enumerate(picks):
        pixels = evaluate.load_pixels(os.path.join(FIXTURES, "tiny-world", im["path"]))
        name = f"pixels-{k}.png"
        Image.fromarray(pixels).save(os.path.join(REFERENCE_DIR, name))
        with torch.no_grad():
            e, _ = model.encode_image(evaluate.data.normalize(pixels[None]))
        ref["images"].append({"path": im["path"], "pixels": name,
                              "embeds": [round(float(v), 6) for v in e[0]]})
    with open(os.path.join(REFERENCE_DIR, "reference.json"), "w") as f:
        json.dump(ref, f)


def run_verify() -> dict | None:
    node = shutil.which("node")
    if not node:
        print("node not found: skipping verify.mjs")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "verify.json")
        proc = subprocess.run([node, os.path.join(HERE, "verify.mjs"), "--json", out], cwd=ROOT,
                              capture_output=True, text=True)
        print(proc.stdout)
        if proc.returncode != 0:
            print(proc.stderr)
            raise SystemExit("verify.mjs failed")
        with open(out) as f:
            return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", default=os.path.join(tempfile.gettempdir(), "tiny-world-clip.pt"))
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--smoke", action="store_true", help="a few steps on few scenes, to test the pipeline")
    ap.add_argument("--resume", help="a checkpoint taken at the end of phase RESUME_PHASE - 1 (from_onnx.py "
                                     "rebuilds phase 3's from the revision-3 ONNX files)")
    ap.add_argument("--resume-phase", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(2)
    t0 = time.time()

    tok = WorldTokenizer()
    if args.reuse:
        model = TinyClip(TinyClipConfig(vocab_size=len(tok)))
        model.load_state_dict(torch.load(args.checkpoint))
        model.eval()
        with open(args.checkpoint + ".json") as f:
            info = json.load(f)
    else:
        def save(m, step):
            torch.save(m.state_dict(), f"{args.checkpoint}.step{step}")

        model, tok, info = (train.train(steps=4, train_images=1000, quality_groups=100, second_steps=4,
                                        third_steps=4, fourth_steps=4, fourth_images=1000, fifth_steps=4) if args.smoke
                            else train.train(save=save, resume=args.resume, resume_phase=args.resume_phase))
        torch.save(model.state_dict(), args.checkpoint)
        with open(args.checkpoint + ".json", "w") as f:
            json.dump(info, f)

    for sub in ("tiny-world", "bad-files"):
        shutil.rmtree(os.path.join(FIXTURES, sub), ignore_errors=True)
    gt = make_fixtures.build_tiny_world(os.path.join(FIXTURES, "tiny-world"))
    make_fixtures.build_bad_files(os.path.join(FIXTURES, "bad-files"))

    shutil.rmtree(MODEL_DIR, ignore_errors=True)
    os.makedirs(MODEL_DIR)
    export.export_onnx(model, MODEL_DIR)
    export.write_configs(model, tok, MODEL_DIR)
    head = export.train_aesthetic_head(model, MODEL_DIR, images=1000 if args.smoke else export.HEAD_IMAGES)
    dump_reference(model, tok, gt)

    py = evaluate.evaluate(model, tok, os.path.join(FIXTURES, "tiny-world"), head)
    print("PyTorch metrics:", json.dumps({k: ({kk: vv for kk, vv in v.items() if kk != "perQuery"}
                                              if isinstance(v, dict) else v) for k, v in py.items()}, indent=1))
    js = run_verify()
    write_readme(MODEL_DIR, model, tok, info, py, js, gt)
    print(f"done in {time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
