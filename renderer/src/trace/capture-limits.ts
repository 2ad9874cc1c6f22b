/** How much one capture view holds (the benchmark loads this much into the same model). */

/** Most messages a capture view holds: the benchmark's million. */
export const CAPTURE_CAPACITY = 1_000_000;
/** Most text a capture view holds, in UTF-16 units (beyond it the newest are kept, as in the live trace). */
export const CAPTURE_MAX_CHARS = 600 * 1024 * 1024;
