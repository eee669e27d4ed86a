// Checks that models/tiny-llm loads and generates through @huggingface/transformers (v4) the way
// the app will use it, and that onnxruntime reproduces the PyTorch model of build.py.
//
//   node models/generator/tiny_llm/verify.mjs        (from the repository root)
//
// Exits non-zero on the first failed check.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  env,
  pipeline,
  AutoModelForCausalLM,
  AutoTokenizer,
  Tensor,
  TextStreamer,
  StoppingCriteria,
  InterruptableStoppingCriteria,
} from '@huggingface/transformers';

const here = dirname(fileURLToPath(import.meta.url));
const modelsDir = resolve(here, '..', '..'); // <repo>/models
const ref = JSON.parse(readFileSync(resolve(here, 'reference.json'), 'utf8'));

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = modelsDir + '/';

const MODEL = 'tiny-llm';
let failures = 0;
function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` — ${detail}` : ''}`);
  if (!ok) failures++;
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const ids2d = (ids) => new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
function maxAbsDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
const TOL = 1e-4;

// ------------------------------------------------------------------ pipeline load
const t0 = performance.now();
const generator = await pipeline('text-generation', MODEL, { dtype: 'fp32' });
check(
  true,
  'pipeline("text-generation", "tiny-llm", { dtype: "fp32" }) loaded',
  `${(performance.now() - t0).toFixed(0)} ms`,
);
const tokenizer = generator.tokenizer;
{
  // config.json's "transformers.js_config": { "dtype": "fp32" } picks onnx/model.onnx without a dtype option
  const plain = await pipeline('text-generation', MODEL);
  const out = await plain('a red circle', { max_new_tokens: 3, do_sample: false });
  check(
    typeof out[0].generated_text === 'string',
    'pipeline() without a dtype option also loads (config picks fp32)',
  );
  await plain.dispose();
}
const sessionInfo = generator.model.sessions.model;
console.log('     ONNX inputs :', sessionInfo.inputNames.join(', '));
console.log('     ONNX outputs:', sessionInfo.outputNames.join(', '));

// ------------------------------------------------------------------ tokenizer
for (const [text, ids] of Object.entries(ref.encodings)) {
  const got = tokenizer.encode(text, { add_special_tokens: false });
  check(
    same(got, ids),
    `tokenizer.encode matches Python BPE for ${JSON.stringify(text)}`,
    `${got.length} tokens`,
  );
  check(tokenizer.decode(got) === text, `decode(encode(x)) round-trips ${JSON.stringify(text)}`);
}
for (const [tok, id] of [
  ['<|endoftext|>', 0],
  ['<|im_start|>', 1],
  ['<|im_end|>', 2],
]) {
  const got = tokenizer.encode(tok, { add_special_tokens: false });
  check(same(got, [id]), `${tok} is the single token ${id}`, JSON.stringify(got));
}
check(
  tokenizer.eos_token_id === 2 && tokenizer.pad_token_id === 2 && tokenizer.bos_token_id === 1,
  'eos/pad = 2 (<|im_end|>), bos = 1 (<|im_start|>)',
);

const prompt = tokenizer.apply_chat_template(ref.chat, {
  add_generation_prompt: true,
  tokenize: false,
});
check(
  prompt === ref.prompt,
  'apply_chat_template(messages, { add_generation_prompt: true, tokenize: false }) = ChatML prompt',
);
console.log('     ' + JSON.stringify(prompt));
const noSystem = tokenizer.apply_chat_template([{ role: 'user', content: 'hi' }], {
  add_generation_prompt: true,
  tokenize: false,
});
console.log('     without a system message: ' + JSON.stringify(noSystem));
const promptIds = tokenizer.encode(prompt, { add_special_tokens: false });
check(
  same(promptIds, ref.prompt_ids),
  'chat prompt token ids match Python',
  `${promptIds.length} tokens`,
);
const autoTok = await AutoTokenizer.from_pretrained(MODEL);
check(
  autoTok.constructor.name === 'GPT2Tokenizer',
  'AutoTokenizer gives GPT2Tokenizer',
  autoTok.constructor.name,
);

// ------------------------------------------------------------------ logits vs PyTorch
const model = await AutoModelForCausalLM.from_pretrained(MODEL, { dtype: 'fp32' });
check(
  model.constructor.name === 'GPT2LMHeadModel',
  'AutoModelForCausalLM gives GPT2LMHeadModel',
  model.constructor.name,
);
{
  const n = ref.prompt_ids.length;
  const out = await model({
    input_ids: ids2d(ref.prompt_ids),
    attention_mask: ids2d(Array(n).fill(1)),
  });
  const V = out.logits.dims[2];
  const data = out.logits.data;
  const dFirst = maxAbsDiff(data.slice(0, V), ref.logits_first);
  const dLast = maxAbsDiff(data.slice((n - 1) * V, n * V), ref.logits_last);
  check(
    dFirst < TOL && dLast < TOL,
    `forward() logits match PyTorch (${out.logits.dims})`,
    `max |diff| first ${dFirst.toExponential(2)}, last ${dLast.toExponential(2)}`,
  );
  check(
    Object.keys(out).some((k) => k.startsWith('present')),
    'forward() returns present.* (KV cache)',
    Object.keys(out).join(', '),
  );
}
{
  // left-padded batch of two prompts, as the pipeline builds it for batched chats
  const short = tokenizer.apply_chat_template([{ role: 'user', content: 'cat' }], {
    add_generation_prompt: true,
    tokenize: false,
  });
  tokenizer.padding_side = 'left';
  const enc = tokenizer([prompt, short], { add_special_tokens: false, padding: true });
  const out = await model(enc);
  const [B, S, V] = out.logits.dims;
  let d = 0;
  for (let b = 0; b < B; b++) {
    const row = out.logits.data.slice((b * S + S - 1) * V, (b * S + S) * V);
    d = Math.max(d, maxAbsDiff(row, ref.batch_last_logits[b]));
  }
  check(d < TOL, 'left-padded batch logits match PyTorch', `max |diff| ${d.toExponential(2)}`);
}

// ------------------------------------------------------------------ generation vs PyTorch greedy
{
  const n = ref.prompt_ids.length;
  const seq = await model.generate({
    input_ids: ids2d(ref.prompt_ids),
    attention_mask: ids2d(Array(n).fill(1)),
    max_new_tokens: 20,
    do_sample: false,
  });
  const newIds = Array.from(seq.data.slice(n), Number);
  check(
    same(newIds, ref.greedy_20),
    'model.generate() greedy (KV cache) = PyTorch greedy (no cache)',
    JSON.stringify(newIds),
  );
  const plainIds = tokenizer.encode(ref.greedy_text_prompt.text, { add_special_tokens: false });
  const seq2 = await model.generate({
    input_ids: ids2d(plainIds),
    max_new_tokens: 20,
    do_sample: false,
  });
  check(
    same(Array.from(seq2.data.slice(plainIds.length), Number), ref.greedy_text_prompt.ids),
    'greedy continuation of a plain-text prompt = PyTorch',
  );
}

// ------------------------------------------------------------------ the app's call
const messages = [
  {
    role: 'system',
    content: 'Rewrite the photo search query as a short description of the picture.',
  },
  { role: 'user', content: 'a red circle' },
];
const run1 = await generator(messages, { max_new_tokens: 20, do_sample: false });
const run2 = await generator(messages, { max_new_tokens: 20, do_sample: false });
const answer = run1[0].generated_text.at(-1);
console.log('     output:', JSON.stringify(run1));
check(
  answer.role === 'assistant' && typeof answer.content === 'string',
  'pipeline(messages) returns the chat plus an assistant message',
  JSON.stringify(answer.content),
);
check(same(run1, run2), 'greedy output is identical across two runs');
{
  const batch = await generator([messages, [{ role: 'user', content: 'cat' }]], {
    max_new_tokens: 10,
    do_sample: false,
  });
  check(
    batch.length === 2,
    'batched chats (left padding) generate',
    JSON.stringify(batch.map((r) => r[0].generated_text.at(-1).content)),
  );
  const sampled = await generator(messages, {
    max_new_tokens: 10,
    do_sample: true,
    temperature: 0.9,
    top_k: 20,
  });
  check(
    typeof sampled[0].generated_text.at(-1).content === 'string',
    'sampling (do_sample: true) runs',
    JSON.stringify(sampled[0].generated_text.at(-1).content),
  );
  const text = await generator('a red circle', { max_new_tokens: 10, do_sample: false });
  check(
    text[0].generated_text.startsWith('a red circle'),
    'plain-string input returns prompt + continuation',
    JSON.stringify(text[0].generated_text),
  );
}

// ------------------------------------------------------------------ streaming
{
  const chunks = [];
  let tokens = 0;
  const streamer = new TextStreamer(tokenizer, {
    skip_prompt: true,
    skip_special_tokens: true,
    callback_function: (text) => chunks.push(text),
    token_callback_function: () => tokens++,
  });
  const out = await generator(messages, { max_new_tokens: 20, do_sample: false, streamer });
  const content = out[0].generated_text.at(-1).content;
  check(
    chunks.length > 0 && chunks.join('') === content,
    'TextStreamer callback_function chunks join to the final answer',
    JSON.stringify(chunks),
  );
  check(
    tokens === ref.greedy_20.length,
    'token_callback_function is called once per generated token',
    `${tokens}`,
  );
}

// ------------------------------------------------------------------ cancelling
// Long runs: min_new_tokens keeps <|im_end|> from ending generation early.
const LONG = { max_new_tokens: 200, min_new_tokens: 200, do_sample: false };
{
  const stopper = new InterruptableStoppingCriteria();
  let tokens = 0;
  const streamer = new TextStreamer(tokenizer, {
    skip_prompt: true,
    callback_function: () => {},
    token_callback_function: () => {
      if (++tokens === 3) stopper.interrupt();
    },
  });
  await generator(messages, { ...LONG, streamer, stopping_criteria: stopper });
  check(
    tokens === 3,
    'InterruptableStoppingCriteria.interrupt() from the streamer stops after the current token',
    `${tokens} tokens`,
  );
  stopper.reset();
  let after = 0;
  const streamer2 = new TextStreamer(tokenizer, {
    skip_prompt: true,
    callback_function: () => {},
    token_callback_function: () => after++,
  });
  await generator(messages, {
    ...LONG,
    max_new_tokens: 5,
    min_new_tokens: 5,
    streamer: streamer2,
    stopping_criteria: stopper,
  });
  check(
    after === 5,
    'after stopper.reset() the same criteria object can be reused',
    `${after} tokens`,
  );
}
{
  // Abort from outside (a timer, like a UI "cancel" button), via AbortController + a StoppingCriteria subclass.
  class AbortCriteria extends StoppingCriteria {
    constructor(signal) {
      super();
      this.signal = signal;
    }
    _call(input_ids) {
      return input_ids.map(() => this.signal.aborted);
    }
  }
  const controller = new AbortController();
  let tokens = 0;
  const streamer = new TextStreamer(tokenizer, {
    skip_prompt: true,
    callback_function: () => {},
    token_callback_function: () => tokens++,
  });
  const started = performance.now();
  setTimeout(() => controller.abort(), 30);
  await generator(messages, {
    ...LONG,
    max_new_tokens: 800,
    min_new_tokens: 800,
    streamer,
    stopping_criteria: [new AbortCriteria(controller.signal)],
  });
  const ms = performance.now() - started;
  check(
    controller.signal.aborted && tokens < 800,
    'StoppingCriteria subclass + AbortController.abort() from a timer stops generation',
    `${tokens} tokens in ${ms.toFixed(0)} ms`,
  );
}
{
  // InterruptableStoppingCriteria interrupted from a timer (the transformers.js web-worker pattern)
  const stopper = new InterruptableStoppingCriteria();
  let tokens = 0;
  const streamer = new TextStreamer(tokenizer, {
    skip_prompt: true,
    callback_function: () => {},
    token_callback_function: () => tokens++,
  });
  setTimeout(() => stopper.interrupt(), 30);
  await generator(messages, {
    ...LONG,
    max_new_tokens: 800,
    min_new_tokens: 800,
    streamer,
    stopping_criteria: stopper,
  });
  check(
    tokens < 800,
    'InterruptableStoppingCriteria.interrupt() from a timer stops generation',
    `${tokens} tokens`,
  );
}
{
  // Throwing from the streamer rejects the pipeline promise (another way out)
  let tokens = 0;
  const streamer = new TextStreamer(tokenizer, {
    skip_prompt: true,
    callback_function: () => {},
    token_callback_function: () => {
      if (++tokens === 2) throw new Error('cancelled');
    },
  });
  let err = null;
  try {
    await generator(messages, { ...LONG, streamer });
  } catch (e) {
    err = e;
  }
  check(
    err?.message === 'cancelled' && tokens === 2,
    'throwing from a streamer callback rejects generator() with that error',
    `${tokens} tokens`,
  );
}

// ------------------------------------------------------------------ speed
{
  const t = performance.now();
  const out = await generator(messages, {
    max_new_tokens: 100,
    min_new_tokens: 100,
    do_sample: false,
  });
  const ms = performance.now() - t;
  console.log(`     100 new tokens in ${ms.toFixed(0)} ms (${(ms / 100).toFixed(2)} ms/token)`);
  void out;
}

await generator.dispose();
await model.dispose();
console.log(failures ? `\n${failures} check(s) FAILED` : '\nall checks passed');
process.exit(failures ? 1 : 0);
