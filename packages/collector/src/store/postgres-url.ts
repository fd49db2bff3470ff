/** Is TRACKLET_DB a PostgreSQL URL (else a SQLite file)? */
export const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//.test(db);
