/**
 * The store soak (issue 19): two windows as real processes on one folder. Window A asks
 * `questions` questions round-robin in a few conversations, with scripted faults (failed and
 * cut-off answers); window B meanwhile deletes and renames A's conversations; A is killed once
 * in the middle of an answer and started again. Then every question A was told was saved, and
 * every answer that completed, must be in its conversation exactly once, in order.
 *
 * Used by the unit test (a short run) and by `npm run bench` (1,000 questions).
 */
import { ConversationLibrary } from '../../src/chat/conversationLibrary';
import { ConversationStore } from '../../src/chat/conversationStore';
import { silentLogger } from '../../src/logging/logger';
import { WindowProcess } from './windowProcess';

export interface SoakOptions {
  readonly folder: string;
  readonly questions: number;
  readonly conversations?: number;
  readonly seed?: number;
}

export interface SoakResult {
  readonly questionsAcknowledged: number;
  readonly answersCompleted: number;
  readonly faults: number;
  readonly deletes: number;
  readonly renames: number;
  readonly restoredAfterRestart: number;
  readonly keptNotices: number;
  readonly killedMidAnswer: number;
  /** Acknowledged questions / completed answers not found, found twice, or out of order. */
  readonly questionsMissing: number;
  readonly answersMissing: number;
  readonly duplicated: number;
  readonly outOfOrder: number;
  /** The question being answered when A was killed: present at most once (0 or 1). */
  readonly killedQuestionCopies: number;
  readonly indexLines: number;
  readonly durationMs: number;
}

/** A small deterministic generator, so a failing soak can be run again the same way. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const started = Date.now();
  const rand = random(options.seed ?? 19);
  const conversationCount = options.conversations ?? 5;
  let a = await WindowProcess.open(options.folder);
  const b = await WindowProcess.open(options.folder);
  const ids: string[] = [];
  for (let i = 0; i < conversationCount; i++) {
    ids.push(((await a.send({ op: 'create' })) as { id: string }).id);
  }
  const asked = new Map<string, string[]>(ids.map((id) => [id, []]));
  const answered = new Map<string, string[]>(ids.map((id) => [id, []]));
  let faults = 0;
  let deletes = 0;
  let renames = 0;
  let restoredAfterRestart = 0;
  let keptNotices = 0;

  // Window B: deletes and renames while A works; paused while A is down.
  let bRunning = true;
  let bPaused = false;
  let bCurrent: Promise<unknown> = Promise.resolve();
  const bLoop = (async () => {
    while (bRunning) {
      if (!bPaused) {
        const id = ids[Math.floor(rand() * ids.length)] ?? '';
        if (rand() < 0.3) {
          bCurrent = b.send({ op: 'delete', id });
          deletes++;
        } else {
          bCurrent = b.send({ op: 'rename', id, title: `renamed ${renames}` }).catch(() => undefined); // Deleted meanwhile: nothing to rename.
          renames++;
        }
        await bCurrent;
      }
      await new Promise((resolve) => setTimeout(resolve, 2 + rand() * 8));
    }
  })();

  const ask = async (id: string, text: string, fault?: 'error' | 'truncated') => {
    const reply = (await a.send({ op: 'ask', id, text, ...(fault ? { fault } : {}) })) as { status?: string };
    asked.get(id)?.push(text);
    if (reply.status === 'done') {
      answered.get(id)?.push(`Answer to ${text}`);
    }
  };

  const killAt = Math.floor(options.questions / 2);
  let killedQuestion = '';
  try {
    for (let q = 0; q < options.questions; q++) {
      const id = ids[q % ids.length] ?? '';
      const text = `Q${q} in ${id.slice(0, 8)}`;
      if (q === killAt) {
        killedQuestion = text;
        const streaming = a.nextEvent();
        void a.send({ op: 'ask', id, text, fault: 'endless' }).catch(() => undefined);
        await streaming;
        bPaused = true;
        await bCurrent;
        await a.kill();
        a = await WindowProcess.open(options.folder);
        // A reloaded window gets back, with undo, what B deleted while it was down.
        const listed = new Set(((await a.send({ op: 'list' })) as { items: { id: string }[] }).items.map((item) => item.id));
        for (const missing of ids.filter((known) => !listed.has(known))) {
          await a.send({ op: 'restore', id: missing });
          restoredAfterRestart++;
        }
        // Its views show its conversations again (and so hold them) before the other window goes on.
        for (const id of ids) {
          await a.send({ op: 'show', id });
        }
        bPaused = false;
        continue;
      }
      const roll = rand();
      const fault = roll < 0.08 ? 'error' : roll < 0.12 ? 'truncated' : undefined;
      if (fault) {
        faults++;
      }
      await ask(id, text, fault);
      if (q % 50 === 0) {
        keptNotices += (((await a.send({ op: 'kept' })) as { kept: string[] }).kept ?? []).length;
      }
    }
  } catch (error) {
    // A failed step must end the soak, not leave the other window's loop and both processes running.
    bRunning = false;
    await bLoop.catch(() => undefined);
    await Promise.all([a.kill(), b.kill()]);
    throw error;
  }
  bRunning = false;
  await bLoop;
  // One last question in each: a conversation B deleted after A's last turn is A's again.
  for (const id of ids) {
    await ask(id, `final question in ${id.slice(0, 8)}`);
  }
  keptNotices += (((await a.send({ op: 'kept' })) as { kept: string[] }).kept ?? []).length;
  await a.close();
  await b.close();

  // Read back as a new window would.
  const store = await ConversationStore.open(options.folder, silentLogger);
  const library = new ConversationLibrary(store, { streamAnswer: async () => ({ kind: 'finished', finishReason: 'stop' }) }, silentLogger);
  const listed = new Set((await library.list()).map((meta) => meta.id));
  let questionsMissing = 0;
  let answersMissing = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let killedQuestionCopies = 0;
  for (const id of ids) {
    const messages = listed.has(id) ? await library.messages(id) : [];
    const questions = messages.filter((m) => m.role === 'user').map((m) => m.text);
    killedQuestionCopies += questions.filter((text) => text === killedQuestion).length;
    const compare = (expected: readonly string[], found: readonly string[]) => {
      const counts = new Map<string, number>();
      found.forEach((text) => counts.set(text, (counts.get(text) ?? 0) + 1));
      const missing = expected.filter((text) => !counts.has(text)).length;
      const twice = [...counts.values()].filter((n) => n > 1).length;
      const positions = expected.map((text) => found.indexOf(text)).filter((at) => at >= 0);
      const disorder = positions.filter((at, i) => i > 0 && at < (positions[i - 1] ?? -1)).length;
      return { missing, twice, disorder };
    };
    const q = compare(asked.get(id) ?? [], questions.filter((text) => text !== killedQuestion));
    const doneAnswers = messages.filter((m) => m.role === 'assistant' && m.status === 'done' && !m.problem).map((m) => m.text);
    const an = compare(answered.get(id) ?? [], doneAnswers);
    questionsMissing += q.missing;
    answersMissing += an.missing;
    duplicated += q.twice + an.twice;
    outOfOrder += q.disorder + an.disorder;
  }
  const indexLines = store.indexLines;
  await library.close();
  return {
    questionsAcknowledged: [...asked.values()].reduce((sum, list) => sum + list.length, 0),
    answersCompleted: [...answered.values()].reduce((sum, list) => sum + list.length, 0),
    faults,
    deletes,
    renames,
    restoredAfterRestart,
    keptNotices,
    killedMidAnswer: 1,
    questionsMissing,
    answersMissing,
    duplicated,
    outOfOrder,
    killedQuestionCopies,
    indexLines,
    durationMs: Date.now() - started,
  };
}
