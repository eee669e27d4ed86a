/** The viewer's HEIC worker: Chromium cannot show a HEIC, so the page shows a decoded copy. */
export interface HeicViewApi {
  /** The photo as a JPEG whose long side is at most `longSide`, upright. */
  screenCopy(file: Blob, longSide: number): Promise<Blob>;
}
