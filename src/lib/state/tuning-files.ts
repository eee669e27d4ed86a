/** 2025-01-31-1405 in local time: sorts by time and is safe in a file name. */
export function fileDate(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}`;
}

/** The name an exported adapter is saved under. */
export function adapterFileName(createdAt: number): string {
  return `lumen-adapter-${fileDate(createdAt)}.lmna`;
}
