// Issue 22: the manifest carries what the Marketplace and vsce look for (repository, bugs,
// homepage, license, gallery banner, Q&A), all pointing at one repository. `npm test`'s package
// layer fails on any warning from `vsce package` itself (test/run-all.sh).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readJson, repoRoot } from './manifestFiles';

interface Manifest {
  publisher: string;
  license: string;
  icon: string;
  repository?: { type: string; url: string };
  bugs?: { url: string };
  homepage?: string;
  qna?: string | false;
  galleryBanner?: { color: string; theme: 'dark' | 'light' };
  scripts: Record<string, string>;
}

const manifest = readJson<Manifest>('package.json');
const repository = 'https://github.com/azure-openai-chat/azure-openai-chat';

describe('package.json: publishing metadata', () => {
  test('repository, bugs and homepage name the same GitHub repository', () => {
    assert.deepEqual(manifest.repository, { type: 'git', url: `${repository}.git` });
    assert.equal(manifest.bugs?.url, `${repository}/issues`);
    assert.equal(manifest.homepage, `${repository}#readme`);
  });

  test('a license the LICENSE file carries, an icon, a gallery banner and a Q&A choice', () => {
    assert.equal(manifest.license, 'MIT');
    assert.ok(existsSync(join(repoRoot, 'LICENSE')));
    assert.ok(existsSync(join(repoRoot, manifest.icon)));
    assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9A-Fa-f]{6}$/);
    assert.ok(manifest.galleryBanner?.theme === 'dark' || manifest.galleryBanner?.theme === 'light');
    assert.ok(manifest.qna === false || /^https:\/\//.test(manifest.qna ?? ''), 'qna is false or a URL');
  });

  test('the README points at the same repository wherever it names one', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    for (const url of readme.match(/https:\/\/github\.com\/[\w.-]+\/[\w.-]+/g) ?? []) {
      assert.equal(url.replace(/\.git$/, ''), repository, url);
    }
  });
});
