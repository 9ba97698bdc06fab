import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../logging/logger';
import type { ConversationStore } from './conversationStore';
import { isConversationId, readIndex } from './conversationStore';

/**
 * Where a workspace's conversations live, so that every window of the workspace finds the same
 * history. VS Code's per-workspace storage folder cannot be it: a second window's extension
 * host gets `<id>-1` (the first holds a lock on `<id>`), so the history depended on which window
 * opened first. The history lives in global storage instead, keyed by the workspace itself.
 */
export interface WorkspaceIdentity {
  /** The `.code-workspace` file's URI, for a saved multi-root workspace. */
  readonly workspaceFile?: string;
  /** The folders' URIs. */
  readonly folders: readonly string[];
}

/** A stable name for a workspace: its workspace file, or its folders in any order; undefined without either. */
export function workspaceKey(identity: WorkspaceIdentity): string | undefined {
  const what = identity.workspaceFile && !identity.workspaceFile.startsWith('untitled:') ? ['file', identity.workspaceFile] : ['folders', ...[...identity.folders].sort()];
  if (what.length < 2) {
    return undefined;
  }
  return createHash('sha256').update(JSON.stringify(what)).digest('hex').slice(0, 24);
}

/**
 * The `conversations` folders earlier versions may have used for this workspace: the window's
 * own storage folder and its siblings of the same workspace (`<id>`, `<id>-1`, ...).
 */
export async function olderHistoryFolders(storageFolder: string): Promise<string[]> {
  const extensionFolder = basename(storageFolder);
  const workspaceFolder = dirname(storageFolder);
  const root = dirname(workspaceFolder);
  const base = basename(workspaceFolder).replace(/-\d+$/, '');
  const siblings = (await readdir(root).catch(() => [] as string[])).filter((name) => name === base || new RegExp(`^${escapeRegExp(base)}-\\d+$`).test(name));
  const folders = siblings.map((name) => join(root, name, extensionFolder, 'conversations'));
  const own = join(storageFolder, 'conversations');
  return folders.includes(own) ? folders : [own, ...folders];
}

/**
 * Copies the conversations of an older history folder into `store`: journals that are not there
 * yet (never overwriting one), and their index entries with their dates. Deleted ones are left
 * out. The older folder is left as it was, with a marker so it is imported once; importing again
 * (two windows at once) changes nothing.
 */
export async function importOlderHistory(store: ConversationStore, from: string, log: Logger): Promise<number> {
  const marker = join(from, `imported-into-${basename(store.folder) === 'conversations' ? basename(dirname(store.folder)) : basename(store.folder)}`);
  if (from === store.folder || (await readFile(marker).then(() => true, () => false))) {
    return 0;
  }
  const older = await readIndex(from);
  if (!older) {
    return 0;
  }
  let imported = 0;
  for (const meta of older) {
    if (!isConversationId(meta.id) || store.known(meta.id)) {
      continue;
    }
    try {
      await copyFile(join(from, `${meta.id}.jsonl`), store.journalPath(meta.id), constants.COPYFILE_EXCL);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOENT') {
        log.warn(`Could not import conversation ${meta.id} from ${from}: ${(error as Error).message}`);
        continue;
      }
    }
    store.importMeta(meta);
    imported++;
  }
  await store.flush();
  await writeFile(marker, `${new Date().toISOString()}\n`).catch(() => undefined);
  return imported;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
