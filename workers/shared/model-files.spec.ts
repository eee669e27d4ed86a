import { describe, expect, it } from 'vitest';
import { fetchFirst } from './model-files';

function fakeFetch(answers: Record<string, number | 'network'>) {
  const asked: string[] = [];
  const fetcher = (input: string | URL | Request) => {
    const url = input instanceof Request ? input.url : input.toString();
    asked.push(url);
    const a = answers[url];
    if (a === 'network' || a === undefined) return Promise.reject(new TypeError('Failed to fetch'));
    return Promise.resolve(
      new Response(a === 200 ? new Uint8Array([1, 2, 3]) : 'no', { status: a }),
    );
  };
  return { fetcher, asked };
}

describe('fetchFirst', () => {
  it('prefers the self-hosted copy and never asks the host then', async () => {
    const { fetcher, asked } = fakeFetch({
      'http://app/models/h.pth': 200,
      'https://host/h.pth': 200,
    });
    const bytes = await fetchFirst(
      ['http://app/models/h.pth', 'https://host/h.pth'],
      false,
      fetcher,
    );
    expect(Array.from(bytes)).toEqual([1, 2, 3]);
    expect(asked).toEqual(['http://app/models/h.pth']);
  });

  it('falls back to the host when the file is not self-hosted', async () => {
    const { fetcher, asked } = fakeFetch({
      'http://app/models/h.pth': 404,
      'https://host/h.pth': 200,
    });
    await fetchFirst(['http://app/models/h.pth', 'https://host/h.pth'], false, fetcher);
    expect(asked).toHaveLength(2);
  });

  it('names the file, the place and what to do when nothing has it', async () => {
    const { fetcher } = fakeFetch({ 'http://app/models/h.pth': 404, 'https://host/h.pth': 503 });
    await expect(
      fetchFirst(['http://app/models/h.pth', 'https://host/h.pth'], false, fetcher),
    ).rejects.toThrow(/https:\/\/host\/h\.pth: the server answered HTTP 503.*self-host/);
    const offline = fakeFetch({ 'http://app/models/h.pth': 404 });
    await expect(
      fetchFirst(['http://app/models/h.pth', 'https://host/h.pth'], false, offline.fetcher),
    ).rejects.toThrow(/https:\/\/host\/h\.pth: the network request failed.*internet connection/);
  });

  it('says a self-hosted-only file is missing from the app itself', async () => {
    const { fetcher } = fakeFetch({ 'http://app/models/t/h.pth': 404 });
    await expect(fetchFirst(['http://app/models/t/h.pth'], true, fetcher)).rejects.toThrow(
      /models\/t\/h\.pth: the server answered HTTP 404.*rebuild or redeploy/,
    );
  });

  it('keeps what it downloaded and answers from the cache next time, even offline', async () => {
    const stored = new Map<string, Response>();
    const key = (url: RequestInfo | URL) =>
      typeof url === 'string' ? url : url instanceof Request ? url.url : url.href;
    const cache = {
      match: (url: RequestInfo | URL) => Promise.resolve(stored.get(key(url))?.clone()),
      put: (url: RequestInfo | URL, res: Response) => {
        stored.set(key(url), res);
        return Promise.resolve();
      },
    };
    const online = fakeFetch({ 'http://app/models/h.pth': 404, 'https://host/h.pth': 200 });
    await fetchFirst(
      ['http://app/models/h.pth', 'https://host/h.pth'],
      false,
      online.fetcher,
      cache,
    );
    expect([...stored.keys()]).toEqual(['https://host/h.pth']);
    const offline = fakeFetch({});
    const bytes = await fetchFirst(
      ['http://app/models/h.pth', 'https://host/h.pth'],
      false,
      offline.fetcher,
      cache,
    );
    expect(Array.from(bytes)).toEqual([1, 2, 3]);
    expect(offline.asked).toEqual([]);
  });
});
