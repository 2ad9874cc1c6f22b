/**
 * The main process's one place to log: `write` goes to the console (for a developer running the app)
 * and to the log file (for support); and whatever else in main reports through `console.error` or
 * `console.warn` — the shell's own catch handlers, libraries — reaches the file too. Credentials are
 * masked by the log file (./log-file.ts), whichever way a line arrives.
 */
import { describeDetail, type LogLevel } from './log-file';

/** Where lines go: a LogFile, or a fake in tests. */
export interface LogSink {
  write(level: LogLevel, message: string, detail?: unknown): void;
}

/** The console methods this module uses. */
export type ConsoleLike = Pick<Console, 'log' | 'warn' | 'error'>;

/** Logging for the main process; `restore()` puts the console back as it was. */
export interface MainLog {
  write(level: LogLevel, message: string, detail?: unknown): void;
  restore(): void;
}

/** One console call's arguments as one line (strings as they are, errors with their stack, the rest as JSON). */
function consoleLine(args: readonly unknown[]): string {
  return args.map((arg) => (typeof arg === 'string' ? arg : describeDetail(arg))).join(' ');
}

/** Routes the console's errors and warnings into `sink` as well, and returns the logger for main. */
export function routeConsoleToLog(sink: LogSink, target: ConsoleLike = console): MainLog {
  const original = { log: target.log, warn: target.warn, error: target.error };
  target.error = (...args: unknown[]) => {
    original.error.apply(target, args);
    sink.write('error', consoleLine(args));
  };
  target.warn = (...args: unknown[]) => {
    original.warn.apply(target, args);
    sink.write('warn', consoleLine(args));
  };
  return {
    write(level, message, detail) {
      const print = level === 'error' ? original.error : level === 'warn' ? original.warn : original.log;
      print.apply(target, detail === undefined ? [message] : [message, detail]);
      sink.write(level, message, detail);
    },
    restore() {
      Object.assign(target, original);
    },
  };
}
