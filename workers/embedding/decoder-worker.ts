// One of the indexing worker's decoders: reads, checks, hashes and decodes files at working
// size, so the model's thread never does that work (and never waits on it between batches).
import { decodeImage, sha256Hex } from './decode-image';
import type { DecoderReply, DecoderRequest } from './decoder-pool';
import { hashVerdict, prepareFile } from './prepare-file';
import { reportPolicyViolations } from '../shared/lifeline';

reportPolicyViolations();

/** Files worked on at once: one is read and hashed while another decodes. */
const IN_FLIGHT = 2;

let byHash: ReadonlyMap<string, number> = new Map();
let model = '';
let readsMetadata = true;
const queue: Extract<DecoderRequest, { type: 'prepare' }>[] = [];
let running = 0;

async function work(request: Extract<DecoderRequest, { type: 'prepare' }>) {
  const { id, file, known } = request;
  const result = await prepareFile(
    file,
    { decode: decodeImage, hash: sha256Hex },
    (hash) => hashVerdict(hash, known, byHash, model).kind === 'new',
    readsMetadata,
  );
  const reply: DecoderReply = { id, result };
  const transfer =
    result.kind === 'read' && result.prepared ? [result.prepared.pixels.data.buffer] : [];
  postMessage(reply, { transfer });
}

function pump() {
  while (running < IN_FLIGHT && queue.length) {
    running++;
    void work(queue.shift()!).finally(() => {
      running--;
      pump();
    });
  }
}

self.onmessage = (e: MessageEvent<DecoderRequest>) => {
  const msg = e.data;
  if (msg.type === 'library') {
    byHash = msg.byHash;
    model = msg.model;
    readsMetadata = msg.readsMetadata;
  } else {
    queue.push(msg);
    pump();
  }
};
