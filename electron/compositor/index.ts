/**
 * The built-in compositor (presence server) — see `compositor.ts` for what it is and how a request flows.
 * The app's offline demo and the `presently compositor` command use only what this module exports.
 */
export { ALLOWED_METHODS, CompositorConfigError, startCompositor } from './compositor';
export type { AuthenticationOptions } from './auth/authenticator';
export { DEFAULT_RULE_NAMES, type DefaultRuleName } from './authorization/decision';
export { InMemoryRulesStorage, type RulesStorage } from './authorization/rules-book';
export { DIGEST_ALGORITHMS, digestAlgorithmOf, type DigestAlgorithm } from '../net/digest';
export {
  ControlConfigError,
  DEFAULT_CONTROL_PORT,
  startControlListener,
  type ControlListener,
  type ControlListenerOptions,
} from './control/control-listener';
export { readUsersFile, userEntry, usersFileText, UsersFileError, realmProblem, userNameProblem, type UserEntry } from './auth/users-file';
export type {
  BodyValidationOptions,
  BoundAddress,
  CompositorCounters,
  CompositorLimits,
  CompositorLogEntry,
  CompositorOptions,
  CompositorStatus,
  CompositorTlsOptions,
  CompositorTransport,
  PresentityStatus,
  RegistrationStatus,
  RunningCompositor,
  SipTimerValues,
  WatcherStatus,
} from './compositor-types';
export { defaultValidatorThreads } from './esc/validator-pool';
export { DEFAULT_EVENT_PACKAGES, type EventPackageConfig } from './esc/event-packages';
export { openStateStore, StateFileError, STATE_SCHEMA_VERSION, type CompositorStateStore } from './state/state-store';
