// What the two driver pages (bench-page.ts, eval-page.ts) share: both run on a fresh library
// and read the photos that the Node driver put into the page's #folder input.
import { DB_NAME } from '../src/core/store/db';

/** Where the built app lives, relative to bench/<page>.html. */
export const appBase = new URL('../', location.href).href;

/** Drops the stored library, so that every run starts from nothing. */
export function deleteDb(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(new Error('could not delete the library'));
    req.onblocked = () => reject(new Error('library still open'));
  });
}

export function folderFiles(): File[] {
  const input = document.querySelector<HTMLInputElement>('#folder')!;
  return Array.from(input.files ?? []);
}
