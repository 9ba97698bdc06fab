/**
 * Moving through the conversation without a mouse, with the keys VS Code's own chat uses:
 * Ctrl+Up from the question box to the last message and Ctrl+Down back; Up, Down, Home and End
 * between messages; Ctrl+Alt+PageDown and Ctrl+Alt+PageUp to the next and previous code block,
 * from where Tab reaches its Insert, Open and Copy buttons.
 */

export function enableKeyboardNavigation(scroller: HTMLElement, input: HTMLTextAreaElement): void {
  const messages = (): HTMLElement[] => [...scroller.querySelectorAll<HTMLElement>(':scope > .message')];

  input.addEventListener('keydown', (event) => {
    if (event.isComposing || !isCtrlOnly(event) || event.key !== 'ArrowUp') {
      return;
    }
    const last = messages().at(-1);
    if (last) {
      handled(event);
      last.focus();
    }
  });

  scroller.addEventListener('keydown', (event) => {
    if (isCtrlOnly(event) && event.key === 'ArrowDown') {
      handled(event);
      input.focus();
      return;
    }
    // Arrows move between messages only when a message itself has focus: inside one, they belong
    // to what has focus there (a scrolled code block, a select).
    const target = event.target instanceof HTMLElement ? event.target : null;
    if (!target?.matches('.message') || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    const all = messages();
    const index = all.indexOf(target);
    const next = { ArrowUp: all[index - 1], ArrowDown: all[index + 1], Home: all[0], End: all.at(-1) }[event.key];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  });

  document.addEventListener('keydown', (event) => {
    if (!event.ctrlKey || !event.altKey || event.shiftKey || event.metaKey || (event.key !== 'PageDown' && event.key !== 'PageUp')) {
      return;
    }
    const blocks = [...scroller.querySelectorAll<HTMLElement>('.code-block')];
    if (blocks.length === 0) {
      return;
    }
    handled(event);
    const from = document.activeElement;
    const inList = from !== null && scroller.contains(from);
    const forward = event.key === 'PageDown';
    let next: HTMLElement | undefined;
    if (!inList) {
      // From the question box (below the list): the nearest block is the last one.
      next = forward ? blocks[0] : blocks.at(-1);
    } else {
      const inside = blocks.findIndex((block) => block.contains(from));
      if (inside >= 0) {
        next = blocks[inside + (forward ? 1 : -1)];
      } else {
        const after = blocks.filter((block) => from.compareDocumentPosition(block) & Node.DOCUMENT_POSITION_FOLLOWING);
        next = forward ? after[0] : blocks[blocks.length - after.length - 1];
      }
    }
    next?.focus();
  });
}

/**
 * A key the chat used: the browser does nothing more with it, and the workbench does not get it
 * (VS Code's webview script forwards keydowns that reach the window to the workbench's keybindings).
 */
function handled(event: KeyboardEvent): void {
  event.preventDefault();
  event.stopPropagation();
}

/** Ctrl (Cmd on macOS) and no other modifier. */
function isCtrlOnly(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && !(event.ctrlKey && event.metaKey) && !event.altKey && !event.shiftKey;
}
