/** Resource lists: RLMI (RFC 4662 §5), multipart/related (RFC 2387), resource-lists and rls-services XML (RFC 4826). */
export * from './multipart';
export * from './resource-lists';
export * from './rlmi';
