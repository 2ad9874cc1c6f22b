/** The message-summary event package body (RFC 3842 §5): reader and writer. */
export * from './message-summary';
