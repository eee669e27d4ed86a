import { describe, expect, it } from 'vitest';
import { captureDetails, offsetText } from './photo-details';

describe("the lightbox's capture details", () => {
  it('says the time as the camera showed it, with its offset, whatever zone the browser is in', () => {
    const d = captureDetails(
      { takenAt: Date.UTC(2021, 5, 12, 19, 5), offsetMin: 60, takenSource: 'exif-offset' },
      'en-GB',
    );
    expect(d.datetime).toBe('2021-06-12T19:05:00+01:00');
    expect(d.when).toBe('12 June 2021 at 19:05 (UTC+01:00)');
    expect(d.whenNote).toBeUndefined();
  });

  it("leaves the zone out where the file gives none, and says when the time is only the file's", () => {
    const d = captureDetails({ takenAt: Date.UTC(2001, 0, 2, 3, 4), takenSource: 'file' }, 'en-GB');
    expect(d.datetime).toBe('2001-01-02T03:04:00');
    expect(d.when).toBe('2 January 2001 at 03:04');
    expect(d.whenNote).toMatch(/file/);
  });

  it('names the place once, with the country spelt out, then the camera and lens', () => {
    const d = captureDetails(
      {
        place: 'Lisbon',
        region: 'Lisbon',
        country: 'PT',
        camera: 'Canon EOS R5',
        lens: 'Canon RF 24-70mm',
      },
      'en',
    );
    expect(d.place).toBe('Lisbon, Portugal');
    expect(d.camera).toBe('Canon EOS R5');
    expect(d.lens).toBe('Canon RF 24-70mm');
  });

  it('gives the position where no place name was found, and nothing for a photo without metadata', () => {
    expect(captureDetails({ lat: 38.75, lon: -9.125 }).place).toBe('38.750, -9.125');
    expect(captureDetails(undefined)).toEqual({});
    expect(captureDetails({})).toEqual({});
  });

  it('writes offsets west of UTC and of part hours', () => {
    expect(offsetText(-420)).toBe('-07:00');
    expect(offsetText(330)).toBe('+05:30');
    expect(offsetText(-570)).toBe('-09:30');
    expect(offsetText(0)).toBe('+00:00');
  });
});
