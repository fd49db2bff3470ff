/** The live contacts holding one kind of identity (its column), locked with `lock`: one index scan each. */
const identifiedSql = (column: string, field: string, lock: string) => `SELECT c.* FROM contacts c
        JOIN unnest(p_identity_accounts, p_identity_fields, p_identity_values) AS i(account_id, field, value)
          ON i.field = '${field}' AND c.account_id = i.account_id AND c.${column} = i.value AND c.merged_into IS NULL ${lock}`;

/** The reads, locking the contacts with `lock`; static SQL, so plpgsql plans it once per session. */
const readsSql = (lock: string) => `
    RETURN QUERY WITH mapped AS (SELECT m.* FROM anonymous_ids m
        JOIN unnest(p_visitor_accounts, p_anonymous_ids) AS v(account_id, anonymous_id)
          ON m.account_id = v.account_id AND m.anonymous_id = v.anonymous_id),
      visitors AS (SELECT c.* FROM contacts c JOIN mapped ON c.account_id = mapped.account_id AND c.id = mapped.contact_id ${lock}),
      by_email AS (${identifiedSql('email_norm', 'email', lock)}),
      by_phone AS (${identifiedSql('phone', 'phone', lock)}),
      by_external_id AS (${identifiedSql('external_id', 'external_id', lock)})
    SELECT 'event'::TEXT, to_jsonb(e) FROM events e
      JOIN unnest(p_key_accounts, p_keys) AS k(account_id, key) ON e.account_id = k.account_id AND e.idempotency_key = k.key
    UNION ALL SELECT 'anonymous_id', to_jsonb(mapped) FROM mapped
    UNION ALL SELECT 'contact', to_jsonb(visitors) FROM visitors
    UNION ALL SELECT 'contact', to_jsonb(by_email) FROM by_email
    UNION ALL SELECT 'contact', to_jsonb(by_phone) FROM by_phone
    UNION ALL SELECT 'contact', to_jsonb(by_external_id) FROM by_external_id
    UNION ALL SELECT 'contact_id', to_jsonb(nextval(pg_get_serial_sequence('contacts', 'id')))
      FROM generate_series(1, cardinality(p_anonymous_ids) - (SELECT count(*) FROM mapped)::INT + cardinality(p_identity_values)
        - (SELECT count(*) FROM by_email)::INT - (SELECT count(*) FROM by_phone)::INT - (SELECT count(*) FROM by_external_id)::INT);`;

/**
 * Migrations 4 and 5 (issue #6): a group transaction's locks and first reads in one round trip instead of two.
 *
 * The reads must run after the locks are held: a statement sees what was committed before it began, so a read in
 * the statement that takes the locks could miss a row that another collector committed while this one waited for
 * its lock. A VOLATILE function takes a fresh snapshot for each statement it runs (READ COMMITTED), so here the
 * reads begin only once every lock is held, as two statements of their own did.
 *
 * `p_held`: the transaction already holds locks, so it must not wait (two writers could wait on each other): the locks
 * are only tried, and when one is taken elsewhere the function answers one `conflict` row and reads nothing; its
 * contacts are locked NOWAIT. Locks go in sorted order. The rows: `event` (stored under an idempotency key),
 * `anonymous_id` (the visitor's map entry), `contact` (the visitors' contacts and the live contacts holding one of
 * the identities — `p_identity_fields` 'email' (normalized), 'phone' or 'external_id' — locked FOR UPDATE) and
 * `contact_id` (one id drawn from the contacts' sequence per visitor and per identity not found, for the contacts the
 * units will create: an id left unused is a gap in the ids, nothing more).
 *
 * Migration 5 added the identities (a unit of POST /v1/events found its contact by email in a statement of its own):
 * it drops migration 4's function, whose arguments differ, and creates this one; on a new database migration 4
 * already created this one, and migration 5 replaces it with itself.
 */
export const lockAndReadFunctionSql = `
CREATE OR REPLACE FUNCTION tracklet_lock_and_read(p_lock_keys TEXT[], p_held BOOLEAN, p_key_accounts BIGINT[], p_keys TEXT[],
    p_visitor_accounts BIGINT[], p_anonymous_ids TEXT[], p_identity_accounts BIGINT[], p_identity_fields TEXT[],
    p_identity_values TEXT[])
  RETURNS TABLE (out_kind TEXT, out_row JSONB) LANGUAGE plpgsql VOLATILE AS $fn$
BEGIN
  IF p_held THEN
    IF NOT coalesce((SELECT bool_and(pg_try_advisory_xact_lock(hashtextextended(l.k, 0)))
        FROM (SELECT unnest(p_lock_keys) AS k ORDER BY 1) AS l), true) THEN
      RETURN QUERY SELECT 'conflict'::TEXT, NULL::JSONB;
      RETURN;
    END IF;
  ELSE
    PERFORM pg_advisory_xact_lock(hashtextextended(l.k, 0)) FROM (SELECT unnest(p_lock_keys) AS k ORDER BY 1) AS l;
  END IF;
  IF cardinality(p_keys) = 0 AND cardinality(p_anonymous_ids) = 0 AND cardinality(p_identity_values) = 0 THEN
    RETURN;
  END IF;
  IF p_held THEN${readsSql('FOR UPDATE OF c NOWAIT')}
  ELSE${readsSql('FOR UPDATE OF c')}
  END IF;
END
$fn$;`;

/** Migration 5: migration 4's function took no identities; a function is named by its arguments too. */
export const lockAndReadWithIdentitiesSql = `
DROP FUNCTION IF EXISTS tracklet_lock_and_read(TEXT[], BOOLEAN, BIGINT[], TEXT[], BIGINT[], TEXT[]);
${lockAndReadFunctionSql}`;
