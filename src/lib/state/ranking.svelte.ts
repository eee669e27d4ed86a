import { DEFAULT_RANK, type Order, type RankOptions } from '../../../workers/search/protocol';
import { PersistedSetting, type SettingStorage } from './persisted-setting.svelte';

export const RANKING_KEY = 'lumen.ranking';
const ORDERS: readonly string[] = [
  'fusion',
  'cascade',
  'beauty',
  'taken-newest',
  'taken-oldest',
] satisfies Order[];

const isOrder = (v: unknown): v is Order => typeof v === 'string' && ORDERS.includes(v);
const unit = (v: unknown, fallback: number) =>
  typeof v === 'number' && v >= 0 && v <= 1 ? v : fallback;

/** Stored ranking settings, field by field: a field out of range falls back to its default. */
export function validateRanking(stored: unknown): RankOptions | undefined {
  if (!stored || typeof stored !== 'object') return undefined;
  const v = stored as Partial<Record<keyof RankOptions, unknown>>;
  return {
    beauty: unit(v.beauty, DEFAULT_RANK.beauty),
    order: isOrder(v.order) ? v.order : DEFAULT_RANK.order,
    strictness: unit(v.strictness, DEFAULT_RANK.strictness),
    cascadeK:
      typeof v.cascadeK === 'number' && Number.isInteger(v.cascadeK) && v.cascadeK >= 1
        ? v.cascadeK
        : DEFAULT_RANK.cascadeK,
    minBeauty: unit(v.minBeauty, DEFAULT_RANK.minBeauty),
  };
}

/** How results are ordered, remembered across visits as soon as it changes. */
export class RankingSettings {
  readonly #setting: PersistedSetting<RankOptions>;

  constructor(storage?: SettingStorage | null) {
    this.#setting = new PersistedSetting({
      key: RANKING_KEY,
      fallback: { ...DEFAULT_RANK },
      validate: validateRanking,
      ...(storage === undefined ? {} : { storage }),
      followOtherTabs: true,
    });
  }

  get options(): RankOptions {
    return this.#setting.value;
  }

  #set(patch: Partial<RankOptions>) {
    this.#setting.value = { ...this.#setting.value, ...patch };
  }

  get beauty(): number {
    return this.options.beauty;
  }
  set beauty(beauty: number) {
    this.#set({ beauty });
  }
  get order(): Order {
    return this.options.order;
  }
  set order(order: Order) {
    this.#set({ order });
  }
  get strictness(): number {
    return this.options.strictness;
  }
  set strictness(strictness: number) {
    this.#set({ strictness });
  }
  get cascadeK(): number {
    return this.options.cascadeK;
  }
  get minBeauty(): number {
    return this.options.minBeauty;
  }
  set minBeauty(minBeauty: number) {
    this.#set({ minBeauty });
  }
}
