import { errorMessage } from '../../core/errors';
import {
  exportRows,
  listDecisions,
  restoreDecisions,
  setDecisions,
  toCsv,
  toJson,
  type CullChange,
  type CullDecision,
} from '../../core/store/cull-store';
import type { CullRecord, LumenDb } from '../../core/store/db';
import { groupIndex } from './moments-stacks';
import { moveRejected } from './moments-move';
import { REJECTED_FOLDER } from '../files/collect-files';
import type { MomentGroup, MomentsRequest, MomentsResult } from '../../../workers/moments/protocol';

export interface MomentsDeps {
  client: { groups(request: MomentsRequest): Promise<MomentsResult> };
  db: () => Promise<LumenDb>;
  profileId: string;
  /** Model key the culling pairs are stored under. */
  model: string;
  /** After decisions changed: the taste's pairs (and what hides rejected photos) are read again. */
  onDecided?: () => void;
}

type UndoStep = {
  group: MomentGroup;
  undo: { photoId: number; before: CullRecord | undefined }[];
}[];

/**
 * The culling view's state: the library's groups, the person's decisions (stored, so they
 * survive a reload), where the review is, and the undo history of this visit.
 */
export class MomentsState {
  groups = $state<MomentGroup[]>([]);
  /** Photo id → decision, for every stored decision. */
  decisions = $state<Record<number, CullDecision>>({});
  groupIndex = $state(0);
  photoIndex = $state(0);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Near-identical photos shown as one stack in the grid (off: every photo). */
  stacking = $state(true);
  /** Rejected photos are left out of results unless the person asks for them. */
  showRejected = $state(false);
  /** The stack opened from the grid: its group's photos are shown instead of the results. */
  openStack = $state<MomentGroup | null>(null);
  #undo = $state<UndoStep[]>([]);
  readonly #deps: MomentsDeps;

  constructor(deps: MomentsDeps) {
    this.#deps = deps;
  }

  get current(): MomentGroup | undefined {
    return this.groups[this.groupIndex];
  }

  get currentPhoto(): number | undefined {
    return this.current?.members[this.photoIndex];
  }

  /** Photo id → its group, for the grid's stacks. */
  readonly byPhoto = $derived(groupIndex(this.groups));

  get canUndo(): boolean {
    return this.#undo.length > 0;
  }

  /** Photos "Accept all suggestions" would reject: every undecided member but each group's best. */
  get pendingRejects(): number {
    return this.groups.reduce(
      (sum, g) => sum + this.#suggestions(g).filter((c) => c.decision === 'reject').length,
      0,
    );
  }

  get rejectedCount(): number {
    return Object.values(this.decisions).filter((d) => d === 'reject').length;
  }

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const result = await this.#deps.client.groups({ profileId: this.#deps.profileId });
      this.groups = result.groups;
      await this.#readDecisions();
      this.groupIndex = Math.min(this.groupIndex, Math.max(0, this.groups.length - 1));
      this.photoIndex = Math.min(
        this.photoIndex,
        Math.max(0, (this.current?.members.length ?? 1) - 1),
      );
    } catch (e) {
      this.error = `The moments could not be grouped: ${errorMessage(e)}`;
    } finally {
      this.loading = false;
    }
  }

  select(groupIndex: number, photoIndex = 0): void {
    if (this.groups.length === 0) return;
    this.groupIndex = Math.max(0, Math.min(groupIndex, this.groups.length - 1));
    const size = this.current?.members.length ?? 1;
    this.photoIndex = Math.max(0, Math.min(photoIndex, size - 1));
  }

  movePhoto(step: number): void {
    this.select(this.groupIndex, this.photoIndex + step);
  }

  moveGroup(step: number): void {
    this.select(this.groupIndex + step, 0);
  }

  /** Decides the photo in view and moves to the next one of its group. */
  async decide(decision: CullDecision): Promise<void> {
    const group = this.current;
    const photoId = this.currentPhoto;
    if (!group || photoId === undefined) return;
    await this.#apply([{ group, changes: [{ photoId, decision }] }]);
    this.movePhoto(1);
  }

  /** The suggestions for the group in view: its best shot kept, the rest rejected. */
  async acceptGroup(): Promise<void> {
    const group = this.current;
    if (!group) return;
    await this.#apply([
      {
        group,
        changes: group.members.map((photoId) => ({
          photoId,
          decision: photoId === group.best ? 'keep' : 'reject',
        })),
      },
    ]);
  }

  /** Every group's suggestions for its undecided photos; one undo takes them all back. */
  async acceptAll(): Promise<void> {
    await this.#apply(
      this.groups
        .map((group) => ({ group, changes: this.#suggestions(group) }))
        .filter((s) => s.changes.length > 0),
    );
  }

  async undo(): Promise<void> {
    const step = this.#undo.at(-1);
    if (!step) return;
    this.#undo = this.#undo.slice(0, -1);
    const db = await this.#deps.db();
    for (const { group, undo } of step) await restoreDecisions(db, this.#deps.model, group, undo);
    await this.#readDecisions();
    this.#deps.onDecided?.();
  }

  /** What the last move of rejected photos did, for the view to say. */
  moveMessage = $state<string | null>(null);

  /** Moves every rejected photo into its folder's “Lumen rejected” subfolder, where allowed. */
  async moveRejected(): Promise<void> {
    const ids = Object.entries(this.decisions)
      .filter(([, d]) => d === 'reject')
      .map(([id]) => Number(id));
    try {
      const { moved, notMoved } = await moveRejected(await this.#deps.db(), ids);
      const why = notMoved.map((n) => `${n.folder}: ${n.why}`).join(' ');
      this.moveMessage = `Moved ${moved} of ${ids.length} rejected photos into “${REJECTED_FOLDER}”.${why ? ` Not moved: ${why}` : ''}`;
    } catch (e) {
      this.moveMessage = `Moving stopped: ${errorMessage(e)}`;
    }
  }

  async exportText(format: 'csv' | 'json'): Promise<string> {
    const rows = await exportRows(await this.#deps.db());
    return format === 'csv' ? toCsv(rows) : toJson(rows);
  }

  #suggestions(group: MomentGroup): CullChange[] {
    return group.members
      .filter((id) => this.decisions[id] === undefined)
      .map((photoId) => ({ photoId, decision: photoId === group.best ? 'keep' : 'reject' }));
  }

  async #apply(steps: { group: MomentGroup; changes: CullChange[] }[]): Promise<void> {
    if (steps.length === 0) return;
    try {
      const db = await this.#deps.db();
      const done: UndoStep = [];
      for (const { group, changes } of steps) {
        done.push({ group, undo: await setDecisions(db, this.#deps.model, group, changes) });
      }
      this.#undo = [...this.#undo, done];
      await this.#readDecisions();
      this.#deps.onDecided?.();
    } catch (e) {
      this.error = `The decision could not be stored: ${errorMessage(e)}`;
    }
  }

  async #readDecisions(): Promise<void> {
    const stored = await listDecisions(await this.#deps.db());
    this.decisions = Object.fromEntries([...stored].map(([id, r]) => [id, r.decision]));
  }
}
