/**
 * Where a tool may read or write: inside the workspace folders, after resolving symbolic links.
 * A path the model names is taken relative to a folder (or to the folder it starts with, in a
 * multi-root workspace); `..`, an absolute path elsewhere, or a link that leads outside is
 * refused. A file that does not exist yet (create) is checked through its nearest existing
 * parent, so a linked directory cannot smuggle a new file out either.
 */
import { realpath } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';

export interface WorkspaceRoot {
  /** The folder's name in the workspace (multi-root: the first segment of a path may name it). */
  readonly name: string;
  /** Its file-system path. */
  readonly path: string;
}

export interface ResolvedPath {
  /** The real path (links resolved). */
  readonly absolute: string;
  readonly root: WorkspaceRoot;
  /** Relative to the root, with `/`: what the user is shown. */
  readonly relative: string;
  readonly exists: boolean;
}

export class OutsideWorkspaceError extends Error {
  constructor(requested: string) {
    super(`${requested} is outside the workspace folders; tools read and write only inside them.`);
    this.name = 'OutsideWorkspaceError';
  }
}

type RealPath = (path: string) => Promise<string>;

/** The real path of `path`, or of its nearest existing parent with the rest appended. */
async function realPathOrParent(path: string, real: RealPath): Promise<{ path: string; exists: boolean }> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      const found = await real(current);
      return { path: missing.length ? join(found, ...missing.reverse()) : found, exists: missing.length === 0 };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const parent = resolve(current, '..');
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || parent === current) {
        throw error;
      }
      missing.push(current.slice(parent.length).replace(/^[\\/]+/, ''));
      current = parent;
    }
  }
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Resolves `requested` to a real path inside one of `roots`, or throws OutsideWorkspaceError. */
export async function resolveInWorkspace(roots: readonly WorkspaceRoot[], requested: string, real: RealPath = realpath): Promise<ResolvedPath> {
  const first = roots[0];
  if (!first || !requested.trim() || requested.includes('\0')) {
    throw new OutsideWorkspaceError(requested || '(empty path)');
  }
  let candidate: string;
  let claimed: WorkspaceRoot | undefined;
  if (isAbsolute(requested)) {
    candidate = normalize(requested);
  } else {
    const [head, ...rest] = requested.split(/[\\/]/);
    claimed = roots.length > 1 ? roots.find((root) => root.name === head) : undefined;
    candidate = claimed ? resolve(claimed.path, ...rest) : resolve(first.path, requested);
  }
  const target = await realPathOrParent(candidate, real);
  for (const root of claimed ? [claimed, ...roots.filter((r) => r !== claimed)] : roots) {
    const realRoot = (await realPathOrParent(root.path, real)).path;
    if (inside(realRoot, target.path)) {
      return { absolute: target.path, root, relative: relative(realRoot, target.path).split(sep).join('/') || '.', exists: target.exists };
    }
  }
  throw new OutsideWorkspaceError(requested);
}
