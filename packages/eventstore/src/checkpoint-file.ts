import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Position } from '@kurrent/kurrentdb-client';

/** The $all position of the last published event, or `undefined` when nothing was published yet. */
export async function readCheckpoint(file: string): Promise<Position | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const { commit, prepare } = JSON.parse(text) as { commit: string; prepare: string };
  return { commit: BigInt(commit), prepare: BigInt(prepare) };
}

/** Replaces the checkpoint atomically, so a crash leaves the old or the new one, never a torn file. */
export async function writeCheckpoint(file: string, position: Position): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const next = `${file}.next`;
  await writeFile(next, JSON.stringify({ commit: String(position.commit), prepare: String(position.prepare) }));
  await rename(next, file);
}
