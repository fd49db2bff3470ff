import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SqlPort } from './sql-port.js';

/** A new signing secret in the Standard Webhooks form: `whsec_` and 24 random bytes, base64. */
export const newSigningSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

/**
 * Signing secrets are stored AES-256-GCM encrypted (the collector must sign with them, so they cannot be hashed):
 * `v1:` iv, tag and ciphertext, base64url. The key is TRACKLET_WEBHOOK_KEY (32 bytes, base64 or hex), else one
 * generated once and kept in the `settings` table, which protects a database dump that lacks that table's rows.
 */
export class SecretBox {
  /** `key`: read by the webhook worker's thread, which opens the secrets with its own box. */
  constructor(readonly key: Buffer) {}

  seal(secret: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), sealed]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join(':');
  }

  open(stored: string): string {
    const [version, iv, tag, sealed] = stored.split(':');
    if (version !== 'v1' || !iv || !tag || sealed === undefined) throw new Error('tracklet: unreadable webhook secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** TRACKLET_WEBHOOK_KEY as 32 bytes: 64 hex digits or base64 of 32 bytes. */
export function parseWebhookKey(raw: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new Error('TRACKLET_WEBHOOK_KEY must be 32 bytes, as 64 hex digits or base64');
  return key;
}

/** The configured key, or the one in `settings` (made by the first collector that needed it; the others read it). */
export async function loadSecretBox(sql: SqlPort, configured: Buffer | null): Promise<SecretBox> {
  if (configured) return new SecretBox(configured);
  const read = async () => (await sql.read("SELECT value FROM settings WHERE name = 'webhook_key'"))[0]?.value;
  let value = await read();
  if (typeof value !== 'string') {
    const fresh = randomBytes(32).toString('base64');
    await sql.transaction((run) =>
      run("INSERT INTO settings (name, value) VALUES ('webhook_key', ?) ON CONFLICT (name) DO NOTHING", [fresh]),
    );
    value = await read();
  }
  return new SecretBox(Buffer.from(String(value), 'base64'));
}
