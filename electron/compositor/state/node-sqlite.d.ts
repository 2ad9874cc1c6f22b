/**
 * The part of Node 22's built-in `node:sqlite` the state store uses (Node 22.13+, docs: nodejs.org/api/sqlite.html).
 * Declared here because the project's `@types/node` is the Node 20 line, which has no `node:sqlite`; remove this
 * file when `@types/node` moves to 22.
 */
declare module 'node:sqlite' {
  /** A value SQLite stores or returns. */
  type SqlValue = null | number | bigint | string | Uint8Array;

  /** A prepared statement. */
  export class StatementSync {
    run(...parameters: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
    get(...parameters: SqlValue[]): Record<string, SqlValue> | undefined;
    all(...parameters: SqlValue[]): Array<Record<string, SqlValue>>;
  }

  /** One open database, used synchronously. */
  export class DatabaseSync {
    constructor(location: string, options?: { open?: boolean; readOnly?: boolean; timeout?: number });
    /** Whether a transaction is open. */
    readonly isTransaction: boolean;
    exec(sql: string): void;
    prepare(sql: string): StatementSync;
    close(): void;
  }
}
