import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanForPlaintext } from './scan.js';
import { tempDir } from './temp-dir.js';

describe('scanForPlaintext', () => {
  it('finds a needle as utf8, utf16 and base64, and raw key bytes', () => {
    const dir = tempDir();
    const key = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    writeFileSync(join(dir.path, 'a.log'), 'x Kari Nordmann y');
    writeFileSync(join(dir.path, 'b.db'), Buffer.from('Kari Nordmann', 'utf16le'));
    writeFileSync(join(dir.path, 'c.json'), JSON.stringify({ v: Buffer.from('Kari Nordmann').toString('base64') }));
    writeFileSync(join(dir.path, 'd.bin'), Buffer.concat([Buffer.from('zz'), key]));
    const hits = scanForPlaintext(dir.path, ['Kari Nordmann', key]);
    expect(hits.map((h) => `${h.file}:${h.encoding}`).sort()).toEqual(['a.log:utf8', 'b.db:utf16le', 'c.json:base64', 'd.bin:raw']);
    expect(scanForPlaintext(dir.path, ['Ola Nordmann'])).toEqual([]);
    dir.remove();
  });
});
