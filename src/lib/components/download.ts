/** Saves bytes, text or a Blob as a file through a temporary link: nothing leaves the device. */
export function download(name: string, data: Uint8Array | string | Blob, type: string): void {
  const blob =
    data instanceof Blob
      ? data
      : new Blob([typeof data === 'string' ? data : data.slice()], { type });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download reads the URL after the click returns; revoke it once that surely happened.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
