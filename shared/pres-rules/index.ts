/** Presence authorisation rules (RFC 5025 on RFC 4745): the model, reader and writer. */
export * from './pres-rules';
