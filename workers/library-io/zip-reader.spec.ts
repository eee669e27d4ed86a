import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ZipSink } from './archive';
import { crc32, readZipDirectory, readZipEntry } from './zip-reader';

const files = {
  'a.txt': strToU8('hello '.repeat(200)),
  'dir/b.bin': Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 251),
  'dir/empty': new Uint8Array(0),
};

async function readAll(zip: Blob): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [name, entry] of await readZipDirectory(zip)) {
    out[name] = Array.from(await readZipEntry(zip, entry));
  }
  return out;
}

const expected = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Array.from(v)]));

describe('zip reader', () => {
  it('computes the standard CRC-32', () => {
    expect(crc32(strToU8('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('reads deflated and stored entries by their directory', async () => {
    expect(await readAll(new Blob([zipSync(files, { level: 6 }) as BlobPart]))).toEqual(expected);
    expect(await readAll(new Blob([zipSync(files, { level: 0 }) as BlobPart]))).toEqual(expected);
  });

  it("reads the export's own streamed zip, and with a comment after the directory", async () => {
    const sink = new ZipSink(100);
    for (const [name, bytes] of Object.entries(files)) {
      await sink.write(name, [bytes.subarray(0, 10), bytes.subarray(10)]);
    }
    const zip = sink.finish();
    expect(sink.bytes).toBe(zip.size);
    expect(await readAll(zip)).toEqual(expected);

    const withComment = new Uint8Array(await zip.arrayBuffer());
    const comment = strToU8('exported by a test');
    const out = new Uint8Array(withComment.length + comment.length);
    out.set(withComment);
    out.set(comment, withComment.length);
    out[withComment.length - 2] = comment.length;
    expect(await readAll(new Blob([out]))).toEqual(expected);
  });

  it('reads Zip64 sizes and offsets, as tools write for zips over 4 GB', async () => {
    const zip = zip64Of('big/part.bin', files['dir/b.bin']);
    expect(await readAll(new Blob([zip as BlobPart]))).toEqual({
      'big/part.bin': expected['dir/b.bin'],
    });
  });

  it('finds a damaged entry by its checksum, and a cut-short zip by its missing end', async () => {
    const zip = zipSync(files, { level: 0 });
    const damaged = zip.slice();
    damaged[60] = damaged[60]! ^ 1; // inside a.txt's data
    const blob = new Blob([damaged]);
    const dir = await readZipDirectory(blob);
    await expect(readZipEntry(blob, dir.get('a.txt')!)).rejects.toThrow(/a\.txt is damaged/);
    expect(Array.from(await readZipEntry(blob, dir.get('dir/b.bin')!))).toEqual(
      expected['dir/b.bin'],
    );
    await expect(readZipDirectory(new Blob([zip.slice(0, zip.length - 30)]))).rejects.toThrow(
      /not a zip file, or it is cut short/,
    );
  });
});

/** A one-entry stored zip whose sizes and offsets are all given in Zip64 records. */
function zip64Of(name: string, data: Uint8Array): Uint8Array {
  const nameBytes = strToU8(name);
  const crc = crc32(data);
  const local = new DataView(new ArrayBuffer(30 + nameBytes.length + 20));
  local.setUint32(0, 0x04034b50, true);
  local.setUint16(4, 45, true);
  local.setUint32(14, crc, true);
  local.setUint32(18, 0xffffffff, true);
  local.setUint32(22, 0xffffffff, true);
  local.setUint16(26, nameBytes.length, true);
  local.setUint16(28, 20, true);
  new Uint8Array(local.buffer).set(nameBytes, 30);
  let at = 30 + nameBytes.length;
  local.setUint16(at, 1, true);
  local.setUint16(at + 2, 16, true);
  local.setBigUint64(at + 4, BigInt(data.length), true);
  local.setBigUint64(at + 12, BigInt(data.length), true);

  const central = new DataView(new ArrayBuffer(46 + nameBytes.length + 28));
  central.setUint32(0, 0x02014b50, true);
  central.setUint16(4, 45, true);
  central.setUint16(6, 45, true);
  central.setUint32(16, crc, true);
  central.setUint32(20, 0xffffffff, true);
  central.setUint32(24, 0xffffffff, true);
  central.setUint16(28, nameBytes.length, true);
  central.setUint16(30, 28, true);
  central.setUint32(42, 0xffffffff, true);
  new Uint8Array(central.buffer).set(nameBytes, 46);
  at = 46 + nameBytes.length;
  central.setUint16(at, 1, true);
  central.setUint16(at + 2, 24, true);
  central.setBigUint64(at + 4, BigInt(data.length), true);
  central.setBigUint64(at + 12, BigInt(data.length), true);
  central.setBigUint64(at + 20, 0n, true);

  const directoryOffset = local.byteLength + data.length;
  const record = new DataView(new ArrayBuffer(56));
  record.setUint32(0, 0x06064b50, true);
  record.setBigUint64(4, 44n, true);
  record.setUint16(12, 45, true);
  record.setUint16(14, 45, true);
  record.setBigUint64(24, 1n, true);
  record.setBigUint64(32, 1n, true);
  record.setBigUint64(40, BigInt(central.byteLength), true);
  record.setBigUint64(48, BigInt(directoryOffset), true);
  const locator = new DataView(new ArrayBuffer(20));
  locator.setUint32(0, 0x07064b50, true);
  locator.setBigUint64(8, BigInt(directoryOffset + central.byteLength), true);
  locator.setUint32(16, 1, true);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, 0xffff, true);
  end.setUint16(10, 0xffff, true);
  end.setUint32(12, 0xffffffff, true);
  end.setUint32(16, 0xffffffff, true);

  const parts = [local, data, central, record, locator, end].map((p) =>
    p instanceof DataView ? new Uint8Array(p.buffer) : p,
  );
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
