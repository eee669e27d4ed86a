// Types of bench/render-benchmarks.mjs's exports, for its spec (the script itself, like the other
// bench scripts, is not type-checked).
export interface Stamp {
  date: string;
  command?: string;
  dateIsFileTime?: boolean;
  [more: string]: unknown;
}
export type Sections = Record<string, { value: unknown; stamp: Stamp }>;
export function num(x: unknown, digits?: number): string;
export function table(header: unknown[], rows: unknown[][]): string;
export function generic(section: unknown): string;
export function readResults(dir: string): Sections;
export function render(notes: string, sections: Sections): string;
