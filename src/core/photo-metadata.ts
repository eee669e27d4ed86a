/**
 * What a photo's own bytes say about when, where and with what it was taken: read once, where
 * the file is already read and hashed (the decoder workers), and stored packed beside the photo
 * (store/metadata-store.ts). Every field is optional: absurd or corrupt values are left out,
 * never allowed to cost the photo.
 */
export interface PhotoMetadata {
  /**
   * Wall-clock time where the photo was taken, in ms since 1970-01-01 read as if UTC (see
   * MetaBlock.takenAt). Absent when neither EXIF nor the file's time gave a sane one.
   */
  takenAt?: number;
  /** Minutes east of UTC (EXIF OffsetTimeOriginal), when the file says. */
  offsetMin?: number;
  takenSource?: TakenSource;
  lat?: number;
  lon?: number;
  /** "Make Model", tidied (e.g. "Apple iPhone 13"). */
  camera?: string;
  lens?: string;
  /** City, region and ISO country code, from the offline place lookup. */
  place?: string;
  region?: string;
  country?: string;
}

/** exif-offset: EXIF time with its offset; exif: EXIF time, zone unknown; file: the file's time. */
export type TakenSource = 'exif-offset' | 'exif' | 'file';

/** Stored as a byte: index in this list (0: no time). */
export const TAKEN_SOURCES = ['none', 'file', 'exif', 'exif-offset'] as const;
