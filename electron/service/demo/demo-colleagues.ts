/**
 * Simulated colleagues for the offline demo: each is a real SIP user agent — the engine's `SipClient`, the
 * same code the app uses for a person's account — that registers with the compositor and publishes
 * (RFC 3903) a plausible day: available → in a meeting → busy with a note → away … One colleague has two
 * devices, a desk phone and a laptop: two user agents on one AOR, each publishing its own tuple, which the
 * compositor composes into one document with two tuples.
 *
 * Each colleague changes on a random timer (`changeIntervalMs`); `changeNow` moves one at once and
 * resolves when the compositor has answered the PUBLISH, so tests and the app's e2e need not wait.
 *
 *   start ─► every device registers and publishes its first step ─► (timer or changeNow) ─► next step ─┐
 *                                                                      ▲                               │
 *                                                                      └───────────────────────────────┘
 *   stop ─► timers cleared, every user agent removes its publication and unregisters (bounded time)
 */
import type { ChosenStatus } from '../../../shared/presence/presence-status';
import { SipClient } from '../../sip/sip-client';
import type { DemoColleague, DemoColleaguesOptions, RunningDemoColleagues } from './demo-types';

/** One step of a colleague's day: which device changes and to what. */
interface Step {
  readonly device: string;
  readonly status: ChosenStatus;
  readonly note: string;
}

interface Persona {
  readonly user: string;
  readonly name: string;
  readonly devices: readonly string[];
  /** What each device publishes first, in `devices` order. */
  readonly initial: readonly Step[];
  /** The day, repeated. */
  readonly day: readonly Step[];
}

/** Device names: each device is its own user agent, and watchers see these names beside its tuple. */
const LAPTOP = 'Laptop';
const DESK_PHONE = 'Desk phone';

/** The cast. Notes are what people actually write; every status the app knows appears somewhere. */
const PERSONAS: readonly Persona[] = [
  {
    user: 'ada',
    name: 'Ada Lovelace',
    devices: [DESK_PHONE, LAPTOP],
    initial: [
      { device: DESK_PHONE, status: 'available', note: '' },
      { device: LAPTOP, status: 'available', note: 'At my desk' },
    ],
    day: [
      { device: DESK_PHONE, status: 'on-the-phone', note: 'On a call with a customer' },
      { device: DESK_PHONE, status: 'available', note: '' },
      { device: LAPTOP, status: 'in-a-meeting', note: 'Sprint planning until 11:00' },
      { device: LAPTOP, status: 'busy', note: 'Reviewing the analytical engine notes' },
      { device: LAPTOP, status: 'away', note: 'Lunch, back at 13:30' },
      { device: LAPTOP, status: 'available', note: 'At my desk' },
    ],
  },
  {
    user: 'grace',
    name: 'Grace Hopper',
    devices: [LAPTOP],
    initial: [{ device: LAPTOP, status: 'busy', note: 'Debugging the compiler' }],
    day: [
      { device: LAPTOP, status: 'in-a-meeting', note: 'Standards committee' },
      { device: LAPTOP, status: 'available', note: '' },
      { device: LAPTOP, status: 'do-not-disturb', note: 'Deep work, ping me only if it is on fire' },
      { device: LAPTOP, status: 'busy', note: 'Debugging the compiler' },
    ],
  },
  {
    user: 'alan',
    name: 'Alan Turing',
    devices: [LAPTOP],
    initial: [{ device: LAPTOP, status: 'available', note: 'Working from the office' }],
    day: [
      { device: LAPTOP, status: 'away', note: 'Out for a run' },
      { device: LAPTOP, status: 'available', note: 'Back, working from the office' },
      { device: LAPTOP, status: 'in-a-meeting', note: 'Interviewing a candidate' },
      { device: LAPTOP, status: 'appear-offline', note: '' },
    ],
  },
  {
    user: 'katherine',
    name: 'Katherine Johnson',
    devices: [LAPTOP],
    initial: [{ device: LAPTOP, status: 'in-a-meeting', note: 'Trajectory review' }],
    day: [
      { device: LAPTOP, status: 'busy', note: 'Checking the numbers by hand' },
      { device: LAPTOP, status: 'on-the-phone', note: 'Call with mission control' },
      { device: LAPTOP, status: 'available', note: '' },
      { device: LAPTOP, status: 'in-a-meeting', note: 'Trajectory review' },
    ],
  },
  {
    user: 'margaret',
    name: 'Margaret Hamilton',
    devices: [LAPTOP],
    initial: [{ device: LAPTOP, status: 'away', note: 'On holiday until Monday' }],
    day: [
      { device: LAPTOP, status: 'available', note: 'Back from holiday' },
      { device: LAPTOP, status: 'busy', note: 'Release tonight' },
      { device: LAPTOP, status: 'do-not-disturb', note: 'Release in progress' },
      { device: LAPTOP, status: 'away', note: 'On holiday until Monday' },
    ],
  },
];

/** Shutdown of all user agents takes at most this long. */
const STOP_TIMEOUT_MS = 3000;

interface LiveColleague {
  readonly persona: Persona;
  readonly aor: string;
  readonly clients: ReadonlyMap<string, SipClient>;
  nextStep: number;
  status: ChosenStatus;
  note: string;
  timer: NodeJS.Timeout | null;
  /** Changes of one colleague happen one after another. */
  queue: Promise<unknown>;
}

/** Thrown when a colleague's first publication is refused or the server cannot be reached. */
export class DemoColleaguesError extends Error {
  override readonly name = 'DemoColleaguesError';
}

/**
 * Starts the colleagues; resolves once every device has published its first state (so the demo opens
 * with a populated buddy list). Rejects, after stopping what it started, if one cannot publish.
 */
export async function startDemoColleagues(options: DemoColleaguesOptions): Promise<RunningDemoColleagues> {
  const random = options.random ?? Math.random;
  const [minMs, maxMs] = options.changeIntervalMs ?? [20_000, 60_000];
  const publishExpires = options.publishExpires ?? 600;
  let isStopped = false;
  let roundRobin = 0;

  const live: LiveColleague[] = PERSONAS.map((persona) => {
    const aor = `sip:${persona.user}@${options.domain}`;
    const clients = new Map<string, SipClient>();
    for (const device of persona.devices) {
      clients.set(
        device,
        new SipClient(
          {
            aor,
            displayName: persona.name,
            server: options.server,
            register: true,
            publish: true,
            registerExpires: publishExpires,
            publishExpires,
            subscribeExpires: publishExpires,
            userAgent: `Presently demo colleague (${device})`,
          },
          // The simulated colleagues' notes are written in English, whatever this computer's locale.
          { random, deviceLabel: device, noteLanguage: 'en' },
        ),
      );
    }
    const first = persona.initial[persona.initial.length - 1] as Step;
    return { persona, aor, clients, nextStep: 0, status: first.status, note: first.note, timer: null, queue: Promise.resolve() };
  });

  const snapshot = (colleague: LiveColleague): DemoColleague => ({
    name: colleague.persona.name,
    aor: colleague.aor,
    devices: colleague.persona.devices,
    status: colleague.status,
    note: colleague.note,
  });

  const publishStep = async (colleague: LiveColleague, step: Step): Promise<void> => {
    const client = colleague.clients.get(step.device);
    if (client === undefined) throw new DemoColleaguesError(`${colleague.persona.name} has no ${step.device}`);
    const result = await client.setPresence(step.status, step.note);
    if (result.phase !== 'published') {
      throw new DemoColleaguesError(
        `${colleague.persona.name} (${step.device}) could not publish: ${result.problem?.message ?? result.phase}`,
      );
    }
    colleague.status = step.status;
    colleague.note = step.note;
  };

  const advance = (colleague: LiveColleague): Promise<DemoColleague> => {
    const run = colleague.queue.then(async () => {
      const step = colleague.persona.day[colleague.nextStep % colleague.persona.day.length] as Step;
      colleague.nextStep++;
      await publishStep(colleague, step);
      return snapshot(colleague);
    });
    colleague.queue = run.catch(() => undefined);
    return run;
  };

  const schedule = (colleague: LiveColleague): void => {
    if (isStopped) return;
    const delay = minMs + Math.floor(random() * Math.max(0, maxMs - minMs));
    colleague.timer = setTimeout(() => {
      colleague.timer = null;
      // A failed timed change is not fatal: the next one tries again.
      void advance(colleague)
        .catch(() => undefined)
        .finally(() => schedule(colleague));
    }, delay);
    colleague.timer.unref();
  };

  const stop = async (): Promise<void> => {
    if (isStopped) return;
    isStopped = true;
    for (const colleague of live) if (colleague.timer !== null) clearTimeout(colleague.timer);
    await Promise.all(
      live.flatMap((colleague) => [...colleague.clients.values()].map((client) => client.stop({ timeoutMs: STOP_TIMEOUT_MS }))),
    );
  };

  try {
    await Promise.all(live.flatMap((colleague) => [...colleague.clients.values()].map((client) => client.start())));
    await Promise.all(live.flatMap((colleague) => colleague.persona.initial.map((step) => publishStep(colleague, step))));
  } catch (error) {
    await stop();
    throw error;
  }
  for (const colleague of live) schedule(colleague);

  return {
    get colleagues() {
      return live.map(snapshot);
    },
    changeNow(aor?: string): Promise<DemoColleague> {
      if (isStopped) return Promise.reject(new DemoColleaguesError('the demo colleagues have been stopped'));
      const colleague = aor === undefined ? live[roundRobin++ % live.length] : live.find((c) => c.aor === aor);
      if (colleague === undefined) return Promise.reject(new DemoColleaguesError(`no demo colleague ${aor ?? ''}`));
      return advance(colleague);
    },
    stop,
  };
}
