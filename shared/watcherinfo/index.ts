/** Watcher information (RFC 3857 `presence.winfo`, RFC 3858 documents): reader, writer and merge. */
export * from './watcherinfo';
