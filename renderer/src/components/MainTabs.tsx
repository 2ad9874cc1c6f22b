import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useUiStore, type MainTab } from '../stores/ui-store';

const TABS: readonly { id: MainTab; label: string }[] = [
  { id: 'buddies', label: 'Buddies' },
  { id: 'trace', label: 'SIP trace' },
  { id: 'watchers', label: 'Who can see you' },
];

/** The main area's tabs (WAI-ARIA tabs pattern: ←/→/Home/End move between tabs). */
export function MainTabs({ panels }: { panels: Record<MainTab, ReactNode> }) {
  const tab = useUiStore((s) => s.tab);
  const { tabSelected } = useUiStore((s) => s.actions);
  const refs = useRef<Partial<Record<MainTab, HTMLButtonElement | null>>>({});

  const onKeyDown = (event: KeyboardEvent) => {
    const index = TABS.findIndex((t) => t.id === tab);
    let next: number;
    if (event.key === 'ArrowRight') next = (index + 1) % TABS.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + TABS.length) % TABS.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = TABS.length - 1;
    else return;
    event.preventDefault();
    const id = TABS[next]!.id;
    tabSelected(id);
    refs.current[id]?.focus();
  };

  return (
    <div className="tabs">
      <div role="tablist" aria-label="Views" className="tablist" onKeyDown={onKeyDown}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(element) => {
              refs.current[t.id] = element;
            }}
            role="tab"
            type="button"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => tabSelected(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {TABS.map((t) => (
        <div key={t.id} role="tabpanel" id={`panel-${t.id}`} aria-labelledby={`tab-${t.id}`} hidden={tab !== t.id} className="tabpanel">
          {tab === t.id && panels[t.id]}
        </div>
      ))}
    </div>
  );
}
