import { DEFAULT_RANK, type Order, type RankOptions } from '../../../workers/search/protocol';

const KEY = 'lumen.ranking';
const ORDERS: Order[] = ['fusion', 'cascade', 'beauty'];

const clamp01 = (v: unknown, fallback: number) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : fallback;

/** Parses stored ranking settings; anything malformed falls back to the defaults. */
export function parseRanking(raw: string | null): RankOptions {
  let v: Partial<Record<keyof RankOptions, unknown>> = {};
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (parsed && typeof parsed === 'object') v = parsed;
  } catch {
    v = {};
  }
  return {
    beauty: clamp01(v.beauty, DEFAULT_RANK.beauty),
    order: ORDERS.includes(v.order as Order) ? (v.order as Order) : DEFAULT_RANK.order,
    strictness: clamp01(v.strictness, DEFAULT_RANK.strictness),
    cascadeK:
      typeof v.cascadeK === 'number' && v.cascadeK >= 1
        ? Math.round(v.cascadeK)
        : DEFAULT_RANK.cascadeK,
    minBeauty: clamp01(v.minBeauty, DEFAULT_RANK.minBeauty),
  };
}

/** How results are ordered, remembered across visits. */
export class RankingSettings {
  beauty = $state(DEFAULT_RANK.beauty);
  order = $state<Order>(DEFAULT_RANK.order);
  strictness = $state(DEFAULT_RANK.strictness);
  cascadeK = $state(DEFAULT_RANK.cascadeK);
  minBeauty = $state(DEFAULT_RANK.minBeauty);

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'>) {
    Object.assign(this, parseRanking(storage.getItem(KEY)));
  }

  get options(): RankOptions {
    return {
      beauty: this.beauty,
      order: this.order,
      strictness: this.strictness,
      cascadeK: this.cascadeK,
      minBeauty: this.minBeauty,
    };
  }

  save() {
    this.storage.setItem(KEY, JSON.stringify(this.options));
  }
}
