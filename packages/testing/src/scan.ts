import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface PlaintextHit {
  file: string;
  needle: string;
  encoding: string;
}

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * Byte-scans every file under `dir` (SQLite files with their -wal/-shm, JetStream blocks, logs)
 * for each needle as UTF-8, UTF-16LE and base64, and for Buffers as raw bytes.
 */
export function scanForPlaintext(dir: string, needles: Array<string | Buffer>): PlaintextHit[] {
  const patterns: Array<{ needle: string; encoding: string; bytes: Buffer }> = [];
  for (const needle of needles) {
    if (Buffer.isBuffer(needle)) {
      patterns.push({ needle: `<${needle.length} bytes>`, encoding: 'raw', bytes: needle });
      patterns.push({ needle: `<${needle.length} bytes>`, encoding: 'base64', bytes: Buffer.from(needle.toString('base64')) });
      patterns.push({ needle: `<${needle.length} bytes>`, encoding: 'base64url', bytes: Buffer.from(needle.toString('base64url')) });
      continue;
    }
    if (needle.length < 4) throw new Error('needles shorter than 4 characters match by chance');
    patterns.push({ needle, encoding: 'utf8', bytes: Buffer.from(needle, 'utf8') });
    patterns.push({ needle, encoding: 'utf16le', bytes: Buffer.from(needle, 'utf16le') });
    patterns.push({ needle, encoding: 'base64', bytes: Buffer.from(Buffer.from(needle).toString('base64').replace(/=+$/, '')) });
  }
  const hits: PlaintextHit[] = [];
  for (const file of files(dir)) {
    if (statSync(file).size === 0) continue;
    const content = readFileSync(file);
    for (const { needle, encoding, bytes } of patterns) {
      if (content.includes(bytes)) hits.push({ file: relative(dir, file), needle, encoding });
    }
  }
  return hits;
}

/** Lists the files a scan read, so a test can assert it covered every store. */
export function listFiles(dir: string): string[] {
  return [...files(dir)].map((file) => relative(dir, file));
}
