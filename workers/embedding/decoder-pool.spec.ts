import { describe, expect, it } from 'vitest';
import { decoderCount, decodersFor, heicDecoderCount, looksLikeHeic } from './decoder-pool';

const file = (name: string, type = '') => ({ name, type });

describe('how many decoders a job gets', () => {
  it('gives JPEG jobs one per two cores, at least one and at most four', () => {
    expect([1, 2, 3, 4, 8, 16].map((cores) => decoderCount(cores))).toEqual([1, 1, 1, 2, 4, 4]);
    expect(decodersFor([file('a.jpg', 'image/jpeg'), file('b.png')], 2, 8)).toBe(1);
  });

  it('gives a job with HEICs one per core, up to four, so decoding them is not one core’s work', () => {
    const job = [file('IMG_0001.HEIC'), file('IMG_0002.JPG', 'image/jpeg')];
    expect([1, 2, 3, 4, 8].map((cores) => decodersFor(job, cores, 8))).toEqual([1, 2, 3, 4, 4]);
    expect(decodersFor([file('a.jpg')], 8, 8)).toBe(4); // JPEGs already had four there
  });

  it('keeps HEIC decoders to half the device memory at 0.7 GB each', () => {
    // Each decodes one full-size HEIC at a time: N decoders, N such photos at once.
    expect(heicDecoderCount(8, 8)).toBe(4);
    expect(heicDecoderCount(8, 4)).toBe(2);
    expect(heicDecoderCount(8, 2)).toBe(1);
    expect(heicDecoderCount(8, 0.5)).toBe(1); // never none
  });

  it('tells HEIC files by name or type, before reading them', () => {
    expect(looksLikeHeic(file('IMG_0001.HEIC'))).toBe(true);
    expect(looksLikeHeic(file('photo.heif'))).toBe(true);
    expect(looksLikeHeic(file('DSC0001.HIF'))).toBe(true);
    expect(looksLikeHeic(file('export', 'image/heic'))).toBe(true);
    expect(looksLikeHeic(file('burst', 'image/heif-sequence'))).toBe(true);
    expect(looksLikeHeic(file('heic.jpg', 'image/jpeg'))).toBe(false);
    expect(looksLikeHeic(file('notes.heic.txt'))).toBe(false);
  });
});
