import { describe, expect, it } from 'vitest';
import {
  PLACES_DATA_REVISION,
  countryName,
  formatPlace,
  isCurrentPlacesUrl,
  placesDataUrl,
} from './places';

describe('country names', () => {
  it('says a country in the person’s language', () => {
    expect(countryName('PT', 'en')).toBe('Portugal');
    expect(countryName('JP', 'ja')).toBe('日本');
    expect(countryName('DE', 'fr')).toBe('Allemagne');
    expect(countryName('is', 'en')).toBe('Iceland');
  });

  it('names the territories GeoNames uses', () => {
    expect(countryName('SJ', 'en')).toMatch(/Svalbard/);
    expect(countryName('AQ', 'en')).toBe('Antarctica');
    expect(countryName('XK', 'en')).toBe('Kosovo');
  });

  it('falls back to the code for a code or locale it cannot read', () => {
    expect(countryName('1', 'en')).toBe('1');
    expect(countryName('PT', '!!')).toBe('PT');
  });

  it('writes a place as a line of text', () => {
    expect(formatPlace({ place: 'Lisbon', country: 'PT' }, 'en')).toBe('Lisbon, Portugal');
    expect(formatPlace({ place: 'Portland', region: 'OR', country: 'US' }, 'en')).toBe(
      'Portland, OR, United States',
    );
  });
});

describe('the place data URL', () => {
  it('lives under the app’s base, with its revision', () => {
    expect(placesDataUrl('https://example.org/lumen/')).toBe(
      `https://example.org/lumen/places/cities.bin?rev=${PLACES_DATA_REVISION}`,
    );
    expect(placesDataUrl('http://localhost:5173/')).toBe(
      `http://localhost:5173/places/cities.bin?rev=${PLACES_DATA_REVISION}`,
    );
  });

  it('tells this build’s file from an older revision’s', () => {
    const current = new URL(placesDataUrl('https://example.org/lumen/'));
    expect(isCurrentPlacesUrl(current, '/lumen/')).toBe(true);
    const old = new URL(current);
    old.searchParams.set('rev', 'old');
    expect(isCurrentPlacesUrl(old, '/lumen/')).toBe(false);
    expect(isCurrentPlacesUrl(current, '/')).toBe(false);
  });
});
