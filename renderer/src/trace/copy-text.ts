/**
 * Puts text on the clipboard. The async Clipboard API first; where it is refused (Electron asks the
 * permission handler, which denies everything in this app), the older copy command on a temporary,
 * off-screen text area, which needs no permission inside a user gesture.
 */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Fall through to the copy command.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  document.body.append(area);
  const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  area.select();
  const isCopied = document.execCommand('copy');
  area.remove();
  previous?.focus();
  if (!isCopied) throw new Error('the clipboard is not available');
}
