#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { createAccountSchema, createKeySchema, updateAccountSchema } from '@tracklet/protocol';
import { loadConfig, openStore } from './config.js';
import { runWebhooksCommand, webhooksUsage } from './cli-webhooks.js';
import { TrackletError } from './errors.js';
import { createAccountWithKeys, issueKey, revokeKey, updateAccount } from './services/accounts.js';
import type { Store } from './store/store.js';
import { parseOrThrow } from './validate.js';

const usage = `usage (the store is TRACKLET_DB, as for the server):
  tracklet accounts create --name NAME [--origins https://a.example,https://b.example] [--events a,b]
                          [--api-rate N|default] [--beacon-rate N|default]   (requests per minute)
                          [--timezone Europe/Berlin]   (the stats' zone; default UTC)
  tracklet accounts update ID [--name NAME] [--origins LIST|none] [--events LIST|none] [--api-rate N|default] [--beacon-rate N|default]
                          [--timezone ZONE]
  tracklet keys create --account ID --type publishable|live|test [--scopes events.write,events.read,...]
  tracklet keys revoke ID
${webhooksUsage}
  tracklet writer          (log mode: TRACKLET_LOG=nats://…, TRACKLET_DB=postgres://…; docs/deploy.md)`;

const list = (value: string | undefined) =>
  value === undefined ? undefined : value === 'none' ? null : value.split(',').filter(Boolean);
const budget = (value: string | undefined) =>
  value === undefined ? undefined : value === 'default' ? null : Number(value);
const rateLimit = (values: Record<string, string | undefined>) =>
  values['api-rate'] === undefined && values['beacon-rate'] === undefined
    ? undefined
    : { api_per_minute: budget(values['api-rate']), beacons_per_minute: budget(values['beacon-rate']) };

function parseArguments(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        origins: { type: 'string' },
        events: { type: 'string' },
        account: { type: 'string' },
        type: { type: 'string' },
        scopes: { type: 'string' },
        'api-rate': { type: 'string' },
        'beacon-rate': { type: 'string' },
        timezone: { type: 'string' },
        url: { type: 'string' },
        description: { type: 'string' },
        enabled: { type: 'string' },
        status: { type: 'string' },
      },
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${usage}`, { cause: error });
  }
}

async function run(store: Store, argv: string[]): Promise<unknown> {
  const { values, positionals } = parseArguments(argv);
  const [noun, verb, id] = positionals;
  if (noun === 'webhooks') return runWebhooksCommand(store, loadConfig(), positionals.slice(1), values);
  const command = `${noun} ${verb}`;
  if (command === 'accounts create') {
    return createAccountWithKeys(
      store,
      parseOrThrow(createAccountSchema, {
        name: values.name,
        allowed_origins: list(values.origins),
        allowed_events: list(values.events),
        rate_limit: rateLimit(values),
        timezone: values.timezone,
      }),
    );
  }
  if (command === 'accounts update' && id) {
    return updateAccount(
      store,
      Number(id),
      parseOrThrow(updateAccountSchema, {
        name: values.name,
        allowed_origins: list(values.origins),
        allowed_events: list(values.events),
        rate_limit: rateLimit(values),
        timezone: values.timezone,
      }),
    );
  }
  if (command === 'keys create' && values.account) {
    return issueKey(
      store,
      Number(values.account),
      parseOrThrow(createKeySchema, { type: values.type, scopes: list(values.scopes) ?? undefined }),
    );
  }
  if (command === 'keys revoke' && id) {
    await revokeKey(store, Number(id));
    return { id: Number(id), revoked: true };
  }
  throw new Error(usage);
}

const fail = (error: unknown): never => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
};

if (process.argv[2] === 'writer') {
  // Loaded only here: the NATS client is needed by the writer alone.
  await import('./event-log/writer-command.js').then(({ runWriterCommand }) => runWriterCommand()).catch(fail);
} else {
  const store = await openStore(loadConfig()).catch(fail);
  run(store, process.argv.slice(2))
    .then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`))
    .catch((error: unknown) => {
      const text =
        error instanceof TrackletError
          ? JSON.stringify({ errors: error.toApiErrors() }, null, 2)
          : (error as Error).message;
      process.stderr.write(`${text}\n`);
      process.exitCode = 1;
    })
    .finally(() => store.close());
}
