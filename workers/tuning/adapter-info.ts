import type { AdapterRecord } from '../../src/core/store/db';
import { decodeAdapter } from './adapter-codec';
import type { AdapterInfo, PairCounts } from './protocol';

export function adapterLabel(byOrigin: PairCounts | undefined, accuracy: number): string {
  const pairs = byOrigin
    ? `${byOrigin.auto} automatic, ${byOrigin.liked} liked, ${byOrigin.chosen} chosen pairs`
    : 'pairs of unknown origin';
  return `${pairs}; ${Math.round(accuracy * 100)}% held-out pairs in order`;
}

export function infoOf(record: AdapterRecord): AdapterInfo {
  const { summary } = decodeAdapter(record.bytes);
  return {
    id: record.id!,
    baseModel: record.baseModel,
    createdAt: record.createdAt,
    label: record.label,
    summary,
    pairsByOrigin: summary.pairsByOrigin ?? { auto: 0, liked: 0, chosen: 0 },
  };
}
