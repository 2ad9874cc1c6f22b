import type { ReactNode } from 'react';

/**
 * A labelled form field with its hint and error wired for screen readers (`aria-describedby`,
 * `aria-invalid`). `children` receives the ids and attributes to spread on the control.
 */
export function FormField(props: {
  id: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  children: (control: { id: string; 'aria-invalid': boolean; 'aria-describedby': string | undefined }) => ReactNode;
}) {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  const errorId = props.error ? `${props.id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field ${props.error ? 'has-error' : ''}`}>
      <label htmlFor={props.id}>{props.label}</label>
      {props.children({ id: props.id, 'aria-invalid': Boolean(props.error), 'aria-describedby': describedBy })}
      {props.error && (
        <span id={errorId} className="field-error" data-testid={`${props.id}-error`}>
          {props.error}
        </span>
      )}
      {props.hint && (
        <span id={hintId} className="field-hint">
          {props.hint}
        </span>
      )}
    </div>
  );
}
