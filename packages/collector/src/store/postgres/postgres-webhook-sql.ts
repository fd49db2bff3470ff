import type pg from 'pg';
import { numberedPlaceholders, type SqlPort, type SqlRow } from '../../webhooks/sql-port.js';

/** The webhooks' SQL on PostgreSQL: reads and transactions on the readers' pool, apart from the group transactions. */
export function postgresWebhookSql(pool: pg.Pool): SqlPort {
  return {
    dialect: 'postgres',
    read: async (sql, params = []) => (await pool.query<SqlRow>(numberedPlaceholders(sql), params)).rows,
    transaction: async (work) => {
      const client = await pool.connect();
      let failure: Error | undefined;
      try {
        await client.query('BEGIN');
        const value = await work(
          async (sql, params = []) => (await client.query<SqlRow>(numberedPlaceholders(sql), params)).rows,
        );
        await client.query('COMMIT');
        return value;
      } catch (error) {
        failure = error as Error;
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release(failure);
      }
    },
  };
}
