/**
 * The trace's live outputs as the settings dialog edits them and settings.json keeps them: a capture
 * written to files in the data folder's `captures/` as messages happen, and a mirror of every message
 * to a HEP v3 collector (Homer, sngrep). Both are off until the user turns them on. The same checks run
 * in the renderer (beside each field) and in main (which trusts nothing the renderer sends).
 */
import { parseHostPort, type Parsed } from '../account/sip-address';
import { hasControlCharacters } from '../account/text-rules';

/** What a live capture file is written as: sngrep-style text, or pcapng for Wireshark / tshark. */
export type LiveCaptureFormat = 'text' | 'pcapng';

/** The live capture to files. */
export interface LiveCaptureSettings {
  readonly enabled: boolean;
  readonly format: LiveCaptureFormat;
  /** A file that reaches this size is closed and the next one started. */
  readonly maxFileMegabytes: number;
  /** Files kept in `captures/`, the one being written included; the oldest are deleted. */
  readonly maxFiles: number;
}

/** How HEP packets travel to the collector. */
export type HepTransport = 'udp' | 'tcp';

/** The mirror of the trace to a HEP v3 collector. */
export interface HepMirrorSettings {
  readonly enabled: boolean;
  readonly transport: HepTransport;
  /** The collector as `host:port` (`[IPv6]:port` for an IPv6 literal). */
  readonly collector: string;
  /** The capture agent ID (HEP chunk 12) Homer files the messages under. */
  readonly captureId: number;
  /** The collector's auth key (HEP chunk 14); empty: none is sent. It travels unencrypted, like all of HEP. */
  readonly authKey: string;
}

/** The largest capture ID: the chunk is an unsigned 32-bit number. */
export const MAX_CAPTURE_ID = 0xffff_ffff;
/** Bounds of the size at which a capture file is closed (MB). */
export const CAPTURE_FILE_MEGABYTES = { min: 1, max: 1024 } as const;
/** Bounds of how many capture files are kept. */
export const CAPTURE_FILE_COUNT = { min: 1, max: 100 } as const;
/** Longest auth key accepted (a chunk holds far more; real keys are short). */
export const MAX_HEP_AUTH_KEY_LENGTH = 256;

/** A first start's capture: off; when turned on, pcapng in 10 MB files, five kept. */
export const DEFAULT_LIVE_CAPTURE: LiveCaptureSettings = { enabled: false, format: 'pcapng', maxFileMegabytes: 10, maxFiles: 5 };

/** A first start's HEP mirror: off; UDP to Homer's usual port once a collector is given. */
export const DEFAULT_HEP_MIRROR: HepMirrorSettings = { enabled: false, transport: 'udp', collector: '', captureId: 2001, authKey: '' };

/** Fields of the live capture the form shows an error beside. */
export type LiveCaptureField = 'maxFileMegabytes' | 'maxFiles';

/** One sentence per wrong rotation field; empty when both are right. */
export function checkLiveCapture(settings: LiveCaptureSettings): Partial<Record<LiveCaptureField, string>> {
  const errors: Partial<Record<LiveCaptureField, string>> = {};
  const outside = (value: number, range: { readonly min: number; readonly max: number }) =>
    !Number.isInteger(value) || value < range.min || value > range.max;
  if (outside(settings.maxFileMegabytes, CAPTURE_FILE_MEGABYTES)) {
    errors.maxFileMegabytes = `Enter whole megabytes from ${CAPTURE_FILE_MEGABYTES.min} to ${CAPTURE_FILE_MEGABYTES.max}.`;
  }
  if (outside(settings.maxFiles, CAPTURE_FILE_COUNT)) {
    errors.maxFiles = `Enter a whole number of files from ${CAPTURE_FILE_COUNT.min} to ${CAPTURE_FILE_COUNT.max}.`;
  }
  return errors;
}

/** Fields of the HEP mirror the form shows an error beside. */
export type HepMirrorField = 'collector' | 'captureId' | 'authKey';

/** The collector's address, read from `host:port`. */
export interface HepCollectorAddress {
  /** A name or IP literal, IPv6 without brackets (as sockets take it). */
  readonly host: string;
  readonly port: number;
}

/** Reads the collector field: a host and a port are both required. */
export function parseHepCollector(text: string): Parsed<HepCollectorAddress> {
  const trimmed = text.trim();
  const example = 'homer.example.com:9060';
  if (trimmed === '') return { ok: false, message: `Enter the collector as host:port, like ${example}.` };
  const parsed = parseHostPort(trimmed);
  if (!parsed.ok) return parsed;
  if (parsed.value.port === null) return { ok: false, message: `Add the collector's port, like ${example}.` };
  return { ok: true, value: { host: parsed.value.hostname.replace(/^\[|\]$/g, ''), port: parsed.value.port } };
}

/** One sentence per wrong field of an enabled mirror (a disabled one may be incomplete); empty when all are right. */
export function checkHepMirror(settings: HepMirrorSettings): Partial<Record<HepMirrorField, string>> {
  const errors: Partial<Record<HepMirrorField, string>> = {};
  if (!settings.enabled) return errors;
  const collector = parseHepCollector(settings.collector);
  if (!collector.ok) errors.collector = collector.message;
  if (!Number.isInteger(settings.captureId) || settings.captureId < 0 || settings.captureId > MAX_CAPTURE_ID) {
    errors.captureId = `Enter a whole number from 0 to ${MAX_CAPTURE_ID}.`;
  }
  if (settings.authKey.length > MAX_HEP_AUTH_KEY_LENGTH || hasControlCharacters(settings.authKey)) {
    errors.authKey = `At most ${MAX_HEP_AUTH_KEY_LENGTH} characters, without control characters.`;
  }
  return errors;
}

/** How the live capture to files is doing, for the settings dialog. */
export interface LiveCaptureStatus {
  /** `off`; `writing` to `file`; `failing`: the last write or open failed (`problem` says why) and messages are dropped. */
  readonly state: 'off' | 'writing' | 'failing';
  /** The file being written (absolute path), or null. */
  readonly file: string | null;
  readonly written: number;
  /** Messages dropped since the capture was turned on: the disk was too slow or a write failed. */
  readonly dropped: number;
  readonly problem: string | null;
}

/** How the HEP mirror is doing, for the settings dialog. */
export interface HepMirrorStatus {
  /** `off`; `connecting` (TCP); `sending`; `unreachable`: the collector refused or could not be reached (`problem` says why). */
  readonly state: 'off' | 'connecting' | 'sending' | 'unreachable';
  /** The collector as configured, or null when off. */
  readonly collector: string | null;
  readonly sent: number;
  /** Messages dropped since the mirror was turned on: the queue was full while the collector was slow or away. */
  readonly dropped: number;
  readonly problem: string | null;
}

/** Both live outputs' status, answered by the `traceCaptureStatus` request. */
export interface TraceCaptureStatus {
  readonly file: LiveCaptureStatus;
  readonly hep: HepMirrorStatus;
}
