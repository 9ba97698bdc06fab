// A fresh copy of a fixture workspace for a journey that edits files (Insert at Cursor saves into
// the open file): the committed fixture must come out of every run as it went in.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './paths';

export function copyFixtureWorkspace(name: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), `aoai-workspace-${name}-`));
  fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'workspaces', name), copy, { recursive: true });
  return copy;
}
