/**
 * Context chips: what is attached to the next question (removable) and to questions already
 * asked. A chip names the file or selection and its size in tokens; a cut file says so.
 */
import type { AttachmentView } from '../src/common/protocol';
import { element } from './dom';
import { t } from './strings';

export function renderChips(items: readonly AttachmentView[], onRemove?: (id: string) => void): HTMLElement {
  const list = element('ul', { className: 'attachment-chips', attributes: { 'aria-label': t('attachedContext') } });
  for (const item of items) {
    const tokens = item.tokens.toLocaleString('en-US');
    const label = t(item.kind === 'selection' ? (item.truncated ? 'chipSelectionCut' : 'chipSelection') : item.truncated ? 'chipFileCut' : 'chipFile', item.name, tokens);
    const chip = element(
      'li',
      { className: `attachment-chip ${item.kind}${item.truncated ? ' truncated' : ''}`, attributes: { title: item.note ? `${item.name}\n${item.note}` : item.name, 'aria-label': label, 'data-attachment-id': item.id } },
      element('span', { className: 'chip-name', text: item.name, attributes: { 'aria-hidden': 'true' } }),
      element('span', { className: 'chip-tokens', text: t('chipTokens', tokens), attributes: { 'aria-hidden': 'true' } }),
    );
    if (item.note) {
      chip.append(element('span', { className: 'chip-note', text: item.note }));
    }
    if (onRemove) {
      const remove = element('button', { className: 'chip-remove', text: '×', attributes: { type: 'button', 'aria-label': t('removeNamed', item.name), title: t('remove') } });
      remove.addEventListener('click', () => onRemove(item.id));
      chip.append(remove);
    }
    list.append(chip);
  }
  return list;
}

/**
 * Files dragged onto the view (from the Explorer; VS Code asks for Shift while dragging into a
 * webview) arrive as a URI list. Only the URIs go to the host, which reads the files.
 */
export function droppedUris(transfer: DataTransfer | null): string[] {
  if (!transfer) {
    return [];
  }
  const text = transfer.getData('application/vnd.code.uri-list') || transfer.getData('text/uri-list');
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && /^(file|vscode-remote):/.test(line))
    .slice(0, 20);
}
