import type { PhotoMetadata } from '../../core/photo-metadata';
import { countryName } from '../../core/places';

/** What the lightbox's details say about when, where and with what a photo was taken. */
export interface CaptureDetails {
  /** The time as the camera showed it, for people. */
  when?: string;
  /** The same for <time datetime>: ISO 8601, with the offset where the file gave one. */
  datetime?: string;
  /** Said when the time is the file's, not the camera's. */
  whenNote?: string;
  place?: string;
  camera?: string;
  lens?: string;
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

/** Minutes east of UTC as "+01:00". */
export function offsetText(min: number): string {
  return `${min < 0 ? '-' : '+'}${pad(Math.trunc(min / 60))}:${pad(min % 60)}`;
}

/**
 * Times are wall-clock readings stored as if UTC (docs/capture-metadata.md): formatted in UTC
 * they read as taken, whatever zone this browser is in.
 */
export function captureDetails(m: PhotoMetadata | undefined, locale?: string): CaptureDetails {
  if (!m) return {};
  const out: CaptureDetails = {};
  if (m.takenAt !== undefined && Number.isFinite(m.takenAt)) {
    const at = new Date(m.takenAt);
    const wall = at.toISOString().slice(0, 19);
    const zone = m.offsetMin === undefined ? '' : offsetText(m.offsetMin);
    out.datetime = wall + zone;
    const text = new Intl.DateTimeFormat(locale, {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: 'UTC',
    }).format(at);
    out.when = zone ? `${text} (UTC${zone})` : text;
    if (m.takenSource === 'file') out.whenNote = "the file's date: the photo does not say";
  }
  const names = [m.place, m.region !== m.place ? m.region : undefined];
  if (m.country) names.push(countryName(m.country, locale));
  const place = names.filter(Boolean).join(', ');
  if (place) out.place = place;
  else if (m.lat !== undefined && m.lon !== undefined)
    out.place = `${m.lat.toFixed(3)}, ${m.lon.toFixed(3)}`;
  if (m.camera) out.camera = m.camera;
  if (m.lens) out.lens = m.lens;
  return out;
}
