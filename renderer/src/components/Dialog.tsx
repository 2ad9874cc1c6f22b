import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal dialog on the native `<dialog>` element: the browser traps focus inside, Escape closes it,
 * and the rest of the window is inert while it is open.
 */
export function Dialog(props: { title: string; onClose(): void; children: ReactNode; testId: string; className?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = `${props.testId}-title`;

  useEffect(() => {
    const dialog = ref.current;
    // No close() in a cleanup: unmounting removes the element, which ends the modal state, and a
    // close() there would fire `close` and re-close the dialog during React's development re-mount.
    if (!dialog || dialog.open) return;
    dialog.showModal();
    // showModal() focuses the first focusable element, which is the header's Close button; start in
    // the form instead: the field marked data-autofocus, else the first enabled control (for a radio
    // group, the checked one).
    // Two queries: one selector list would pick whichever match comes first in the document.
    const first =
      dialog.querySelector<HTMLElement>('[data-autofocus]') ??
      dialog.querySelector<HTMLElement>(
        'form input:checked, form input:not([type="hidden"]):not([type="radio"]):not([disabled]), form textarea, form select',
      );
    first?.focus();
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog ${props.className ?? ''}`}
      aria-labelledby={titleId}
      data-testid={props.testId}
      onClose={props.onClose}
    >
      <header className="dialog-header">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={props.onClose}>
          ×
        </button>
      </header>
      {props.children}
    </dialog>
  );
}
