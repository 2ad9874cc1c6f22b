import { useMemo, useState, type FormEvent } from 'react';
import {
  DEFAULT_GROUP_LABEL,
  checkBuddyForm,
  domainOf,
  knownDisplayName,
  withDefaultDomain,
  type BuddyField,
  type BuddyForm,
} from '../../../shared/buddy/buddy';
import { parseSipAddress } from '../../../shared/account/sip-address';
import { useBuddyStore } from '../stores/buddy-store';
import { useSessionStore } from '../stores/session-store';
import { useUiStore } from '../stores/ui-store';
import { Dialog } from './Dialog';
import { FormField } from './FormField';

const FIELD_IDS: Record<BuddyField, string> = { aor: 'buddy-aor', displayName: 'buddy-name', group: 'buddy-group' };

/**
 * Add or edit a buddy. The address is checked here as the user submits (the same rules main applies
 * again); a bad one is explained beside the field and nothing is sent or saved. A bare name is completed
 * with our own domain, shown under the field before saving ("bob → sip:bob@example.com"), and an address
 * already listed with a name (a demo colleague) keeps that name when the form gives none.
 */
export function BuddyDialog({ editing }: { editing: string | null }) {
  const buddies = useBuddyStore((s) => s.buddies);
  const { buddySaveRequested } = useBuddyStore((s) => s.actions);
  const { dialogClosed } = useUiStore((s) => s.actions);
  const domain = useSessionStore((s) => domainOf(s.session.account?.aor ?? s.session.demo?.aor));
  const existing = editing === null ? undefined : buddies.find((b) => b.aor === editing);
  const [form, setForm] = useState<BuddyForm>({
    aor: existing?.aor ?? '',
    displayName: existing?.displayName ?? '',
    group: existing?.group ?? '',
  });
  const [errors, setErrors] = useState<Partial<Record<BuddyField, string>>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [isSaving, setIsSaving] = useState(false);
  const completed = completionPreview(form.aor, domain);
  const groups = useMemo(() => [...new Set(buddies.map((b) => b.group).filter((g) => g !== ''))].sort(), [buddies]);

  const change = (field: BuddyField, value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const checked = checkBuddyForm(form, domain);
    if (!checked.ok) {
      setErrors(checked.errors);
      const first = (['aor', 'displayName', 'group'] as const).find((field) => checked.errors[field]);
      if (first) document.getElementById(FIELD_IDS[first])?.focus();
      return;
    }
    setIsSaving(true);
    const displayName = checked.value.displayName || knownDisplayName(checked.value.aor, buddies);
    const outcome = await buddySaveRequested(editing, { ...checked.value, displayName });
    setIsSaving(false);
    if (outcome.ok) dialogClosed();
    else setFailure(outcome.message);
  };

  return (
    <Dialog title={editing === null ? 'Add a buddy' : 'Edit buddy'} testId="buddy-dialog" onClose={dialogClosed}>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <FormField
          id="buddy-aor"
          label="SIP address"
          hint={completed ?? 'Like sip:bob@example.com (sip: may be left out).'}
          error={errors.aor}
        >
          {(control) => (
            <input
              {...control}
              type="text"
              data-autofocus
              autoComplete="off"
              spellCheck={false}
              value={form.aor}
              onChange={(e) => change('aor', e.target.value)}
            />
          )}
        </FormField>
        <FormField id="buddy-name" label="Name" hint="Optional: shown instead of the address." error={errors.displayName}>
          {(control) => <input {...control} type="text" value={form.displayName} onChange={(e) => change('displayName', e.target.value)} />}
        </FormField>
        <FormField
          id="buddy-group"
          label="Group"
          hint={`Optional: buddies without a group are listed under “${DEFAULT_GROUP_LABEL}”.`}
          error={errors.group}
        >
          {(control) => (
            <>
              <input {...control} type="text" list="buddy-groups" value={form.group} onChange={(e) => change('group', e.target.value)} />
              <datalist id="buddy-groups">
                {groups.map((g) => (
                  <option key={g} value={g} />
                ))}
              </datalist>
            </>
          )}
        </FormField>
        {failure && (
          <p role="alert" className="error" data-testid="buddy-dialog-error">
            {failure}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={dialogClosed}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={isSaving}>
            {editing === null ? 'Add buddy' : 'Save'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** "bob → sip:bob@example.com" while the typed address is a bare name that our domain completes, else null. */
function completionPreview(typed: string, domain: string | null): string | null {
  const text = typed.trim();
  const completed = withDefaultDomain(text, domain);
  if (completed === text) return null;
  const parsed = parseSipAddress(completed);
  return parsed.ok ? `${text} → ${parsed.value.uri}` : null;
}
