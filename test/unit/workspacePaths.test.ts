// Tools read and write only inside the workspace folders, after resolving symbolic links.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { OutsideWorkspaceError, resolveInWorkspace, type WorkspaceRoot } from '../../src/chat/workspacePaths';

let base: string;
let roots: WorkspaceRoot[];

before(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'ws-paths-')));
  await mkdir(join(base, 'app', 'src'), { recursive: true });
  await mkdir(join(base, 'lib'), { recursive: true });
  await mkdir(join(base, 'secret'), { recursive: true });
  await writeFile(join(base, 'app', 'src', 'main.ts'), 'x');
  await writeFile(join(base, 'secret', 'key.txt'), 'k');
  await symlink(join(base, 'secret'), join(base, 'app', 'linked-out'));
  await symlink(join(base, 'secret', 'key.txt'), join(base, 'app', 'key-link.txt'));
  await symlink(join(base, 'app', 'src'), join(base, 'app', 'linked-in'));
  roots = [{ name: 'app', path: join(base, 'app') }, { name: 'lib', path: join(base, 'lib') }];
});

const refused = (path: string) => assert.rejects(resolveInWorkspace(roots, path), OutsideWorkspaceError, path);

describe('workspace path checks', () => {
  test('relative paths resolve in the first folder; a multi-root path may name its folder', async () => {
    const main = await resolveInWorkspace(roots, 'src/main.ts');
    assert.equal(main.absolute, join(base, 'app', 'src', 'main.ts'));
    assert.equal(main.relative, 'src/main.ts');
    assert.equal(main.exists, true);
    const lib = await resolveInWorkspace(roots, 'lib/new.ts');
    assert.equal(lib.root.name, 'lib');
    assert.equal(lib.exists, false);
    assert.equal((await resolveInWorkspace(roots, join(base, 'lib', 'x.ts'))).relative, 'x.ts');
  });

  test('.., absolute paths elsewhere and empty paths are refused', async () => {
    await refused('../secret/key.txt');
    await refused('src/../../secret/key.txt');
    await refused(join(base, 'secret', 'key.txt'));
    await refused('/etc/passwd');
    await refused('');
  });

  test('a link that leads outside is refused, for reading and for creating beneath it; a link inside is fine', async () => {
    await refused('linked-out/key.txt');
    await refused('key-link.txt');
    await refused('linked-out/new-file.txt');
    await refused('linked-out/deeper/new-file.txt');
    const inside = await resolveInWorkspace(roots, 'linked-in/main.ts');
    assert.equal(inside.absolute, join(base, 'app', 'src', 'main.ts'));
  });
});
